// Every `bin/ceremony` command as a person meets it: --help (a usage line, every option described,
// an example) and --version, both exit 0; an unknown flag or a missing required option or argument
// is a usage error on stderr with exit code 2. The contributor-side commands load neither Temporal
// nor Koa.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../common/tools.js';
import { ceremonyCli } from '../helpers/cli.js';

const COMMANDS = [
  'start',
  'api',
  'worker',
  'admin',
  'new-transcript',
  'contribute',
  'verify-contribution',
  'apply',
  'beacon',
  'contributor',
  'verifier',
  'verify',
  'verify-receipt',
  'verify-transcript',
];
const VERSION = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs `work` on each item, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return out;
}

describe('bin/ceremony --help and --version', () => {
  it('the program lists every command, says its version, and a bare call is a usage error', async () => {
    const help = await ceremonyCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: ceremony /);
    for (const name of COMMANDS) expect(help.stdout).toContain(`  ${name} `);
    const version = await ceremonyCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);
    const bare = await ceremonyCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('usage: ceremony');
    const unknown = await ceremonyCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('every command has --help with a usage line, described options and an example', async () => {
    const results = await inBatches(COMMANDS, 4, async (name) => ({ name, result: await ceremonyCli([name, '--help']) }));
    for (const { name, result } of results) {
      expect(result.code, `${name}: ${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: ceremony ${name} `));
      expect(result.stdout).toMatch(new RegExp(`examples:\\n  ceremony ${name}( |\\n)`));
      // Every option has a description beside it.
      const options = result.stdout.slice(result.stdout.indexOf('options:'), result.stdout.indexOf('examples:')).split('\n').slice(1);
      for (const line of options.filter((l) => /^ {2}-/.test(l))) expect(line, `${name}: ${line}`).toMatch(/^ {2}\S.*\S {2,}\S/);
    }
  });

  it('every command answers --version with the package version', async () => {
    const results = await inBatches(COMMANDS, 4, async (name) => ({ name, result: await ceremonyCli([name, '--version']) }));
    for (const { name, result } of results) {
      expect(result.code, `${name}: ${result.stderr}`).toBe(0);
      expect(result.stdout.trim()).toBe(VERSION);
    }
  });
});

describe('usage errors exit 2 with a clear message on stderr', () => {
  it('an unknown flag', async () => {
    const result = await ceremonyCli(['verify-transcript', 'transcript.json', '--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("ceremony verify-transcript: unknown option '--frobnicate'");
    expect(result.stderr).toContain("run 'ceremony verify-transcript --help' for usage");
  });

  it('a missing required option or argument, and a bad choice', async () => {
    const option = await ceremonyCli(['contributor']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("ceremony contributor: required option '--url <url>' not specified");
    const argument = await ceremonyCli(['verify-receipt', '--url', 'http://127.0.0.1:9']);
    expect(argument.code).toBe(2);
    expect(argument.stderr).toContain("missing required argument 'receipt-file'");
    const choice = await ceremonyCli(['admin', 'explode', '--url', 'http://127.0.0.1:9']);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain("value 'explode' is invalid for argument 'action'");
    const value = await ceremonyCli(['new-transcript', '--out', 'x.json', '--sizes']);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain("option '--sizes <G1:G2,G1:G2>' argument missing");
  });

  it("the contributor's --receipt-out naming a file that exists, before any contact", async () => {
    const taken = path.join(repoRoot, 'package.json');
    const result = await ceremonyCli(['contributor', '--url', 'http://127.0.0.1:9', '--receipt-out', taken]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${taken} exists; give --receipt-out a new file name`);
  });

  it('a value beginning with a dash is the value of its option, not a flag', async () => {
    // A key fingerprint (base64url) may begin with '-': verify takes it as the pinned key and goes on
    // to say what is missing offline, rather than calling it an unknown option.
    const result = await ceremonyCli(['verify', '--transcript', 'transcript.json', '--key', `-${'a'.repeat(42)}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('offline, give the key itself too');
  });
});

/** The modules a file imports at load time (static imports, not `import type`, not `import()`), transitively. */
function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = match[1] as string;
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(entry);
  return packages;
}

describe('the contributor-side commands', () => {
  it('load neither Temporal nor Koa', () => {
    for (const name of ['contributor', 'verifier', 'verify', 'verify-receipt', 'verify-transcript', 'contribute', 'apply', 'new-transcript']) {
      const packages = [...staticImports(path.join(repoRoot, 'cli', 'commands', `${name}.ts`))];
      expect(
        packages.filter((p) => p.startsWith('@temporalio/') || p === 'koa' || p.startsWith('@koa/')),
        name,
      ).toEqual([]);
      expect(packages).toContain('@commander-js/extra-typings');
    }
  });

  it('(the walk finds Temporal where it is loaded at once)', () => {
    expect([...staticImports(path.join(repoRoot, 'runtime', 'stack.ts'))].some((p) => p.startsWith('@temporalio/'))).toBe(true);
  });
});
