// A dev server left behind by a `ceremony start` that was killed (kill -9 of the parent only): the
// next start on the same data directory finds it through a pid file and stops it, after checking that
// the pid really is that server (its command line runs `start-dev` on this data directory's database).
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from './logger.js';

const PID_FILE = 'temporal-dev-server.pid';

export function pidFileOf(dataDir: string): string {
  return path.join(dataDir, PID_FILE);
}

/** The command line of a live process, or undefined when there is none (Linux /proc). */
async function commandLineOf(pid: number): Promise<string[] | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}

/** True when the process is the dev server of this database: `temporal server start-dev ... --db-filename <dbFile>`. */
export function isDevServerOf(commandLine: readonly string[], dbFile: string): boolean {
  const db = commandLine.indexOf('--db-filename');
  return commandLine.includes('start-dev') && db >= 0 && commandLine[db + 1] === dbFile;
}

/** Running: it exists and is not a zombie (a killed orphan waits for a reaper that may never come). */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ...: the state follows the last ')' (comm may hold spaces and parentheses).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Stops a stale dev server of this data directory, if one runs; removes a stale pid file either way. */
export async function stopStaleDevServer(dataDir: string, dbFile: string, log: Logger): Promise<void> {
  const file = pidFileOf(dataDir);
  let pid: number;
  try {
    pid = Number((JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown }).pid);
  } catch {
    return;
  }
  const commandLine = Number.isSafeInteger(pid) && pid > 1 ? await commandLineOf(pid) : undefined;
  if (commandLine !== undefined && isDevServerOf(commandLine, dbFile)) {
    log.warn({ pid }, 'stopping a Temporal dev server left behind by an earlier start on this data directory');
    process.kill(pid, 'SIGTERM');
    for (let waited = 0; waited < 5_000 && (await isRunning(pid)); waited += 100) await new Promise((r) => setTimeout(r, 100));
    if (await isRunning(pid)) process.kill(pid, 'SIGKILL');
    for (let waited = 0; waited < 5_000 && (await isRunning(pid)); waited += 100) await new Promise((r) => setTimeout(r, 100));
  }
  await rm(file, { force: true });
}

export async function writeDevServerPid(dataDir: string, pid: number): Promise<void> {
  await writeFile(pidFileOf(dataDir), JSON.stringify({ pid }), { mode: 0o600 });
}

export async function removeDevServerPid(dataDir: string): Promise<void> {
  await rm(pidFileOf(dataDir), { force: true });
}
