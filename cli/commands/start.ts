// `ceremony start`: the embedded default stack in one process tree.
import { createLogger } from '../../common/logger.js';
import { ConfigError } from '../../common/config.js';
import { startStack } from '../../runtime/stack.js';
import { parseServiceArgs, untilSignal } from '../service-flags.js';

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseServiceArgs(argv);
  } catch (err) {
    process.stderr.write(`ceremony start: ${(err as Error).message}\n`);
    return 2;
  }
  const { cfg } = args;
  const log = createLogger(cfg.log.level, 'ceremony');
  const signal = untilSignal();
  let stack;
  try {
    stack = await startStack(cfg, log);
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : (err as Error).message;
    process.stderr.write(`ceremony start: ${message}\n`);
    return 1;
  }
  const lines = [
    'ceremony coordinator is running',
    `  API:          ${stack.apiUrl}`,
    `  Temporal:     ${stack.temporalAddress}`,
    ...(stack.temporalUiUrl === undefined ? [] : [`  Temporal UI:  ${stack.temporalUiUrl}`]),
    `  data:         ${stack.dataDir}`,
    `  store:        ${stack.store.kind}`,
    `  receipt key:  ${stack.receiptKeyFingerprint}  (pin it: ceremony verify --key ${stack.receiptKeyFingerprint})`,
    'press Ctrl-C to stop',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  log.info({ apiUrl: stack.apiUrl, temporal: stack.temporalAddress, ui: stack.temporalUiUrl, dataDir: stack.dataDir }, 'started');
  const received = await signal;
  log.info({ signal: received }, 'shutting down');
  const timer = setTimeout(() => {
    process.stderr.write('ceremony start: shutdown took too long, exiting\n');
    process.exit(1);
  }, cfg.shutdownTimeoutMs + 2_000);
  timer.unref();
  await stack.stop();
  log.info('stopped');
  return 0;
}
