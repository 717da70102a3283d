// The embedded stack: Temporal dev server (unless TEMPORAL_ADDRESS names one), both workers, the API.
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { startDevServer, type RunningDevServer } from '../common/temporal-dev-server.js';
import { serveApi } from '../api/serve.js';
import type { RunningServer } from '../api/server.js';
import { openStore, type ObjectStore } from '../store/index.js';
import { connectClient, connectWorker } from './temporal.js';
import { createWorker } from './workers.js';
import { installTemporalRuntime } from './temporal-runtime.js';
import { createSessionTokens } from '../api/auth/session.js';
import { ensureCeremony } from '../api/ensure-ceremony.js';
import { loadReceiptKey } from '../evidence/receipt-key.js';

export interface RunningStack {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  dataDir: string;
  store: ObjectStore;
  client: Client;
  /** The fingerprint (RFC 7638 thumbprint) of the key that signs receipts: what the public pins. */
  receiptKeyFingerprint: string;
  stop(): Promise<void>;
}

type Step = () => Promise<void>;

export async function startStack(cfg: Config, log: Logger): Promise<RunningStack> {
  installTemporalRuntime(log);
  const undo: Step[] = [];
  const stopAll = async (): Promise<void> => {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (err) {
        log.warn({ err }, 'shutdown step failed');
      }
    }
    undo.length = 0;
  };
  try {
    let devServer: RunningDevServer | undefined;
    let address = cfg.temporal.address;
    if (address === undefined) {
      devServer = await startDevServer(cfg, log);
      address = devServer.address;
      const server = devServer;
      undo.push(() => server.stop());
    }
    const store = await openStore(cfg);
    const connection: NativeConnection = await connectWorker(address);
    undo.push(() => connection.close());
    const client = await connectClient(address, cfg.temporal.namespace);
    undo.push(() => client.connection.close());

    const workers: Worker[] = [await createWorker('workflows', { cfg, log, store, connection }), await createWorker('verification', { cfg, log, store, connection })];
    const running = workers.map((worker) => worker.run());
    undo.push(async () => {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.allSettled(running);
    });
    running.forEach((run) =>
      run.catch((err: unknown) => {
        log.error({ err }, 'worker stopped with an error');
      }),
    );

    await ensureCeremony(client, cfg);
    const receiptKey = await loadReceiptKey(cfg);
    const server: RunningServer = await serveApi({ cfg, log, temporal: client, store, tokens: await createSessionTokens(cfg), receiptKeys: [receiptKey.publicJwk] }, cfg.api.host, cfg.api.port);
    undo.push(() => server.close(Math.max(1_000, cfg.shutdownTimeoutMs - 6_000)));

    return {
      apiUrl: server.url,
      temporalAddress: address,
      temporalUiUrl: devServer?.uiUrl,
      dataDir: cfg.dataDir,
      store,
      client,
      receiptKeyFingerprint: receiptKey.kid,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
