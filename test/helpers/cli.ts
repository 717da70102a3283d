// Runs `bin/ceremony` as a person would, as a child process, and collects what it printed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../common/tools.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `bin/ceremony ...args`, with warnings-only logs and no admin token from the environment. */
export function ceremonyCli(args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, CEREMONY_LOG_LEVEL: 'warn' };
  delete env['CEREMONY_TOKEN'];
  return runProgram(path.join(repoRoot, 'bin', 'ceremony'), args, { env });
}

/** Any program, to its end, with what it printed. */
export function runProgram(command: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult> {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A running `bin/ceremony` whose stdin the test writes and whose output it watches as it comes. */
export interface InteractiveCli {
  /** Everything printed so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the first match of `pattern` in stderr (already printed or yet to come). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Types a line on its stdin. */
  writeLine(line: string): void;
  /** Closes its stdin (the end of the input). */
  endInput(): void;
  /** Its exit, with everything it printed. */
  readonly done: Promise<CliResult>;
}

/** `bin/ceremony ...args` with stdin piped from the test, as a person at a terminal would use it. */
export function interactiveCeremonyCli(args: string[]): InteractiveCli {
  const env: NodeJS.ProcessEnv = { ...process.env, CEREMONY_LOG_LEVEL: 'warn' };
  delete env['CEREMONY_TOKEN'];
  delete env['CEREMONY_ETH_KEY'];
  const child = spawn(path.join(repoRoot, 'bin', 'ceremony'), args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const watcher of [...watchers]) watcher();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      for (const watcher of [...watchers]) watcher();
      resolve({ code, stdout, stderr });
    });
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = stderr.match(pattern);
          if (match !== null) {
            finish();
            resolve(match);
          } else if (child.exitCode !== null) {
            finish();
            reject(new Error(`bin/ceremony exited (${child.exitCode}) before printing ${pattern}:\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`bin/ceremony did not print ${pattern} within ${timeoutMs} ms:\n${stderr}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        check();
      });
    },
    writeLine(line) {
      child.stdin.write(`${line}\n`);
    },
    endInput() {
      child.stdin.end();
    },
    done,
  };
}
