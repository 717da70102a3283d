// `ceremony api`: the API server alone, for deployments with an existing Temporal cluster. Koa and
// the Temporal client are loaded only when the command runs.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { requireSharedTemporalSettings, type Config } from '../../common/config.js';
import { exitCode, helpFooter } from '../kit.js';
import { SERVICE_ENVIRONMENT, serviceCommand, serviceConfig, type ServiceFlags } from '../service-flags.js';
import { untilSignal } from '../signals.js';

export function apiCommand(): CommandUnknownOpts {
  const command = serviceCommand('api')
    .summary('the API server alone, against an existing Temporal server')
    .description('Runs the API server alone, against the Temporal frontend at TEMPORAL_ADDRESS (or temporal.address).')
    .action(exitCode((flags) => run(flags)));
  return helpFooter(command, ['api --config ceremony.json --port 8080'], [...SERVICE_ENVIRONMENT, 'Exit codes: 0 stopped cleanly, 2 usage or configuration.']);
}

async function run(flags: ServiceFlags): Promise<number> {
  let cfg: Config;
  try {
    cfg = serviceConfig(flags);
    // Before connecting anywhere: a replica with a key or a store of its own must not join a live queue.
    requireSharedTemporalSettings(cfg);
  } catch (err) {
    process.stderr.write(`ceremony api: ${(err as Error).message}\n`);
    return 2;
  }
  const address = cfg.temporal.address;
  if (address === undefined) {
    process.stderr.write('ceremony api: set TEMPORAL_ADDRESS (or temporal.address) to the Temporal frontend, e.g. temporal-frontend:7233\n');
    return 2;
  }
  const [{ createLogger }, { serveApi }, { openStore }, { connectClient }, { createSessionTokens }, { ensureCeremony }, { loadReceiptKey }] = await Promise.all([
    import('../../common/logger.js'),
    import('../../api/serve.js'),
    import('../../store/index.js'),
    import('../../runtime/temporal.js'),
    import('../../api/auth/session.js'),
    import('../../api/ensure-ceremony.js'),
    import('../../evidence/receipt-key.js'),
  ]);
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
