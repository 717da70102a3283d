// The CLI's argument parser (commander, through cli/kit.ts) takes a string option's value as given,
// even one that begins with '-' (a receipt key fingerprint is base64url: about one in 32 does), and
// still refuses bad flags, with exit code 2.
import { Command } from '@commander-js/extra-typings';
import { afterEach, expect, it, vi } from 'vitest';
import { buildProgram, collect, exitCode, runProgram } from '../../cli/kit.js';

let seen: { key?: string[]; json?: true } | undefined;

function probe() {
  return new Command('probe')
    .option('--key <fingerprint>', 'repeatable', collect)
    .option('--json', 'a flag')
    .action(
      exitCode(async (options) => {
        seen = options;
        return 0;
      }),
    );
}

async function run(args: string[]): Promise<number> {
  seen = undefined;
  return runProgram(buildProgram({ name: 'ceremony', version: '1.2.3', description: 'test' }, [probe]), ['probe', ...args]);
}

afterEach(() => vi.restoreAllMocks());

it('takes a value beginning with a dash as the value of a string option', async () => {
  expect(await run(['--key', '-3xQzs', '--json', '--key', 'plain', '--key=-again', '--key', '-h', '--key', '-V'])).toBe(0);
  expect(seen).toEqual({ key: ['-3xQzs', 'plain', '-again', '-h', '-V'], json: true });
});

it('still refuses an unknown flag and a string option without a value, with exit code 2', async () => {
  const errors: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    errors.push(String(chunk));
    return true;
  });
  expect(await run(['--nope'])).toBe(2);
  expect(errors.join('')).toContain("ceremony probe: unknown option '--nope'");
  errors.length = 0;
  expect(await run(['--key'])).toBe(2);
  expect(errors.join('')).toContain('argument missing');
  expect(seen).toBeUndefined();
});
