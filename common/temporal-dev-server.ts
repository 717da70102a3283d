// The embedded Temporal dev server: a child process persisting to a SQLite file in the data directory.
import { devServerSearchAttributeArgs } from './search-attributes.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Config } from './config.js';
import { startChild, waitFor, type ManagedChild } from './child-process.js';
import type { Logger } from './logger.js';
import { removeDevServerPid, stopStaleDevServer, writeDevServerPid } from './stale-dev-server.js';
import { requireTool } from './tools.js';

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  dbFile: string;
  stop(): Promise<void>;
}

/** Resolves once the Temporal frontend at `address` answers; throws otherwise. */
export async function temporalAnswers(address: string): Promise<void> {
  const conn = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await conn.workflowService.getSystemInfo({});
  } finally {
    await conn.close();
  }
}

/** The dev server's command line (after the executable) for this configuration and database file. */
export function devServerArgs(cfg: Config, dbFile: string): string[] {
  const dev = cfg.temporal.devServer;
  return [
    'server',
    'start-dev',
    '--ip',
    dev.ip,
    '--port',
    String(dev.port),
    '--ui-port',
    String(dev.uiPort),
    '--db-filename',
    dbFile,
    '--namespace',
    cfg.temporal.namespace,
    '--log-level',
    'warn',
    '--log-format',
    'json',
    ...devServerSearchAttributeArgs(),
  ];
}

export async function startDevServer(cfg: Config, log: Logger): Promise<RunningDevServer> {
  const dev = cfg.temporal.devServer;
  const executable = requireTool('temporal', dev.executable);
  await mkdir(cfg.dataDir, { recursive: true });
  const dbFile = path.join(cfg.dataDir, dev.dbFileName);
  await stopStaleDevServer(cfg.dataDir, dbFile, log);
  const args = devServerArgs(cfg, dbFile);
  const child: ManagedChild = startChild(executable, args, {
    onOutput: (line) => log.debug({ source: 'temporal-dev-server' }, line),
  });
  if (child.process.pid !== undefined) await writeDevServerPid(cfg.dataDir, child.process.pid);
  const address = `${dev.ip}:${dev.port}`;
  const early = child.exited.then((code) => {
    throw new Error(`temporal dev server exited with code ${String(code)} during start (is port ${dev.port} or ${dev.uiPort} in use?)`);
  });
  try {
    await Promise.race([early, waitFor('the Temporal dev server', () => temporalAnswers(address), dev.startTimeoutMs, 250)]);
  } catch (err) {
    await child.stop(2_000);
    await removeDevServerPid(cfg.dataDir);
    throw err;
  }
  early.catch(() => undefined);
  return {
    address,
    uiUrl: `http://${dev.ip}:${dev.uiPort}`,
    dbFile,
    stop: async () => {
      await child.stop(5_000);
      await removeDevServerPid(cfg.dataDir);
    },
  };
}
