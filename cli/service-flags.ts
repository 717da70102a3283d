// Flags shared by the long-running commands (start, api, worker), mapped onto the config tree.
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../common/config.js';

export interface ServiceArgs {
  cfg: Config;
  positionals: string[];
  extra: Record<string, string | undefined>;
}

export function parseServiceArgs(argv: string[], extraOptions: Record<string, { type: 'string' }> = {}): ServiceArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      ...extraOptions,
    },
  });
  const overrides: Record<string, unknown> = {};
  const api: Record<string, unknown> = {};
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port)) throw new Error(`--port: ${JSON.stringify(values.port)} is not a port number`);
    api['port'] = Number.parseInt(values.port, 10);
  }
  if (values.host !== undefined) api['host'] = values.host;
  if (Object.keys(api).length > 0) overrides['api'] = api;
  if (values['data-dir'] !== undefined) overrides['dataDir'] = values['data-dir'];
  const cfg = loadConfig({ file: values.config, overrides });
  const extra: Record<string, string | undefined> = {};
  for (const name of Object.keys(extraOptions)) {
    const value = (values as Record<string, unknown>)[name];
    extra[name] = typeof value === 'string' ? value : undefined;
  }
  return { cfg, positionals, extra };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
