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
  const child = spawn(path.join(repoRoot, 'bin', 'ceremony'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
