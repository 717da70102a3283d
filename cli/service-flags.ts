// Flags shared by the long-running commands (start, api, worker), mapped onto the config tree.
import { Command } from '@commander-js/extra-typings';
import { loadConfig, type Config } from '../common/config.js';

/** A long-running command with the flags every one of them takes (declared here, once). */
export function serviceCommand(name: string) {
  return new Command(name)
    .option('--config <file>', 'a JSON configuration file (defaults < file < environment < flags)')
    .option('--port <port>', 'the API port (api.port)')
    .option('--host <host>', 'the address the API listens on (api.host)')
    .option('--data-dir <dir>', 'the data directory: the dev server database and the filesystem store (dataDir)');
}

export interface ServiceFlags {
  config?: string;
  port?: string;
  host?: string;
  dataDir?: string;
}

/** The configuration the flags give, over the file, the environment and the defaults. */
export function serviceConfig(flags: ServiceFlags): Config {
  const overrides: Record<string, unknown> = {};
  const api: Record<string, unknown> = {};
  if (flags.port !== undefined) {
    if (!/^\d+$/.test(flags.port)) throw new Error(`--port: ${JSON.stringify(flags.port)} is not a port number`);
    api['port'] = Number.parseInt(flags.port, 10);
  }
  if (flags.host !== undefined) api['host'] = flags.host;
  if (Object.keys(api).length > 0) overrides['api'] = api;
  if (flags.dataDir !== undefined) overrides['dataDir'] = flags.dataDir;
  return loadConfig({ file: flags.config, overrides });
}

export const SERVICE_ENVIRONMENT = ['Configuration: defaults < the --config file < environment variables (CEREMONY_*, TEMPORAL_ADDRESS, ...) < flags;', 'docs/configuration.md lists them.'];
