// Starting and stopping long-running child processes (dev server, MinIO) without leaving any behind.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ManagedChild {
  readonly process: ChildProcess;
  /** SIGTERM, then SIGKILL after graceMs; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  readonly exited: Promise<number | null>;
}

export function startChild(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; onOutput?: (line: string) => void } = {}): ManagedChild {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  const onOutput = options.onOutput;
  const forward = (data: Buffer): void => {
    if (onOutput === undefined) return;
    for (const line of data.toString('utf8').split('\n')) if (line.trim() !== '') onOutput(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  return {
    process: child,
    exited,
    async stop(graceMs = 5_000): Promise<void> {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function waitFor<T>(what: string, attempt: () => Promise<T>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await attempt();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${last instanceof Error ? last.message : String(last)}`);
}
