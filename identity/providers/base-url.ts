// The API's own base URL, the default for SIWE's domain/URI and the OAuth redirect URI.
import type { Config } from '../../common/config.js';

/** api.publicUrl without trailing slashes, else http://api.host:api.port. */
export function apiBaseUrl(cfg: Config): string {
  if (cfg.api.publicUrl !== undefined) return cfg.api.publicUrl.replace(/\/+$/, '');
  const host = cfg.api.host.includes(':') ? `[${cfg.api.host}]` : cfg.api.host;
  return `http://${host}:${cfg.api.port}`;
}
