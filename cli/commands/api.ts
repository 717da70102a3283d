// `ceremony api`: the API server alone, for deployments with an existing Temporal cluster.
import { createLogger } from '../../common/logger.js';
import { serveApi } from '../../api/serve.js';
import { openStore } from '../../store/index.js';
import { connectClient } from '../../runtime/temporal.js';
import { parseServiceArgs, untilSignal } from '../service-flags.js';
import { createSessionTokens } from '../../api/auth/session.js';
import { ensureCeremony } from '../../api/ensure-ceremony.js';
import { loadReceiptKey } from '../../evidence/receipt-key.js';

export async function run(argv: string[]): Promise<number> {
  let cfg;
  try {
    cfg = parseServiceArgs(argv).cfg;
  } catch (err) {
    process.stderr.write(`ceremony api: ${(err as Error).message}\n`);
    return 2;
  }
  const address = cfg.temporal.address;
  if (address === undefined) {
    process.stderr.write('ceremony api: set TEMPORAL_ADDRESS (or temporal.address) to the Temporal frontend, e.g. temporal-frontend:7233\n');
    return 2;
  }
  const log = createLogger(cfg.log.level, 'ceremony-api');
  const signal = untilSignal();
  const store = await openStore(cfg);
  const client = await connectClient(address, cfg.temporal.namespace);
  await ensureCeremony(client, cfg);
  const server = await serveApi({ cfg, log, temporal: client, store, tokens: await createSessionTokens(cfg), receiptKeys: [(await loadReceiptKey(cfg)).publicJwk] }, cfg.api.host, cfg.api.port);
  log.info({ url: server.url, temporal: address }, 'api listening');
  await signal;
  await server.close(cfg.shutdownTimeoutMs - 1_000);
  await client.connection.close();
  return 0;
}
