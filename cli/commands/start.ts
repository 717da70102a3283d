// `ceremony start`: the embedded default stack in one process tree. The stack (Temporal, Koa) is
// loaded only when the command runs, so that declaring the command costs nothing.
import path from 'node:path';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { ConfigError, requireSharedTemporalSettings, type Config } from '../../common/config.js';
import { exitCode, helpFooter } from '../kit.js';
import { SERVICE_ENVIRONMENT, serviceCommand, serviceConfig, type ServiceFlags } from '../service-flags.js';
import { untilSignal } from '../signals.js';

export function startCommand(): CommandUnknownOpts {
  const command = serviceCommand('start')
    .summary('embedded stack: Temporal dev server, workers, API')
    .description('Runs the whole coordinator in one process tree: a Temporal dev server, the workers and the API. Ctrl-C (or SIGTERM) stops it.')
    .action(exitCode((flags) => run(flags)));
  return helpFooter(command, ['start', 'start --port 8080 --data-dir ./demo-data --config small.json'], [...SERVICE_ENVIRONMENT, 'Exit codes: 0 stopped cleanly, 1 could not start, 2 usage.']);
}

async function run(flags: ServiceFlags): Promise<number> {
  let cfg: Config;
  try {
    cfg = serviceConfig(flags);
    // With TEMPORAL_ADDRESS this process joins a shared Temporal like `ceremony api` and `worker` do.
    requireSharedTemporalSettings(cfg);
  } catch (err) {
    process.stderr.write(`ceremony start: ${(err as Error).message}\n`);
    return 2;
  }
  const { createLogger } = await import('../../common/logger.js');
  const { startStack } = await import('../../runtime/stack.js');
  // On a terminal the JSON logs go to a file, so a person sees what to do next, not a stream of
  // logs; elsewhere (containers, CI, a pipe) they go to stdout as a log collector expects.
  const logFile = process.stdout.isTTY === true ? path.join(cfg.dataDir, 'ceremony.log') : undefined;
  const log = createLogger(cfg.log.level, 'ceremony', logFile);
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
    ...(logFile === undefined ? [] : [`  logs:         ${logFile}`]),
    '',
    'next:',
    `  watch the ceremony:        ${stack.apiUrl}/`,
    `  contribute from a browser: ${stack.apiUrl}/contribute`,
    `  or from a terminal:        ceremony contributor --url ${stack.apiUrl} ${cfg.auth.dev.enabled ? '--name alice' : '--github   (or --siwe-address 0x…)'}`,
    `  verify it all:             ceremony verify --url ${stack.apiUrl} --key ${stack.receiptKeyFingerprint}`,
    '',
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
