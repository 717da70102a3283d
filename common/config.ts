// One typed configuration schema, loaded from (lowest to highest precedence):
// defaults < JSON config file < environment variables < command-line flags.
// An invalid value fails at start with a message naming the field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { authConfigSchema } from '../identity/auth-config.js';
import { ceremonyConfigSchema } from './ceremony-config.js';

const port = z.number().int().min(1).max(65535);
const positiveMs = z.number().int().positive();
/** A web origin as browsers send it in the Origin header (no path, no trailing slash), or '*'. */
const webOrigin = z.string().refine((value) => value === '*' || /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(value) || /^https?:\/\/\[[0-9a-f:]+\](:\d{1,5})?$/i.test(value), {
  message: "a web origin is scheme://host[:port] with no path (e.g. https://contribute.example.org), or '*'",
});

export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('./data').describe('Data directory: the dev server SQLite file and the filesystem store live here.'),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level of the JSON logs (fatal, error, warn, info, debug, trace, silent).'),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        host: z.string().min(1).default('127.0.0.1').describe('Address the API listens on.'),
        port: port.default(8080).describe('Port the API listens on.'),
        publicUrl: z.url().optional().describe('URL the API is reached at from outside (used in links and SIWE messages).'),
        checkinTokenTtlMs: z
          .number()
          .int()
          .min(0)
          .max(3_600_000)
          .default(3_600_000)
          .describe(
            "Sequential mode: the longest a check-in token answers early check-ins without asking Temporal (ms). A token also ends before its interval's second half and whenever the queue moves, so this only caps it further. 0: no tokens.",
          ),
        maxJsonBytes: z
          .number()
          .int()
          .positive()
          .max(64 * 1024 * 1024)
          .default(1024 * 1024)
          .describe('Largest JSON request body accepted.'),
        maxUploadBytes: z
          .number()
          .int()
          .positive()
          .max(1024 * 1024 * 1024)
          .default(64 * 1024 * 1024)
          .describe('Largest contribution upload accepted.'),
        requestTimeoutMs: positiveMs.default(60_000).describe('Longest time one request may take.'),
        trustProxy: z
          .boolean()
          .default(false)
          .describe('Take client addresses (rate limits, logs) from X-Forwarded-For. Set it behind an ingress, and only then: without a proxy in front, anyone could pick their address.'),
        proxyHops: z
          .number()
          .int()
          .min(1)
          .max(16)
          .default(1)
          .describe(
            'With api.trustProxy: how many proxies in front of the API append to X-Forwarded-For (ingress-nginx alone: 1; a cloud load balancer in front of it: 2). The client address is the entry this many places from the right; entries further left come from the client and are never trusted.',
          ),
        maxConnections: z.number().int().min(1).max(1_000_000).default(10_000).describe('Most open client connections one replica keeps; a connection beyond it is closed at once.'),
        maxInFlightRequests: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .default(2_000)
          .describe('Most requests one replica handles at once; beyond it a request gets 503 OVERLOADED with Retry-After (GET /healthz is never refused).'),
        corsOrigins: z
          .union([z.array(z.string()), z.string()])
          .transform((value) => (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim()).filter((s) => s !== ''))
          .pipe(z.array(webOrigin).max(100))
          .default([])
          .describe(
            "Web origins (scheme://host[:port]) whose pages may call the API from a browser (CORS), e.g. a third-party contributor client; '*' allows any origin. A JSON array, or one comma-separated string. Sessions are bearer tokens, never cookies, so no origin gets credentials.",
          ),
      })
      .strict()
      .prefault({}),
    temporal: z
      .object({
        address: z.string().min(1).optional().describe('Temporal frontend host:port. Unset: `ceremony start` runs its own dev server.'),
        namespace: z.string().min(1).default('default').describe('Temporal namespace.'),
        devServer: z
          .object({
            ip: z.string().min(1).default('127.0.0.1').describe('Address the embedded dev server binds.'),
            port: port.default(7233).describe('gRPC port of the embedded dev server.'),
            uiPort: port.default(8233).describe('Port of the Temporal UI of the embedded dev server.'),
            executable: z.string().min(1).optional().describe('Path of the temporal binary (default .tools/bin/temporal).'),
            dbFileName: z.string().min(1).default('temporal.sqlite').describe('SQLite file of the dev server, inside dataDir.'),
            startTimeoutMs: positiveMs.default(30_000).describe('How long to wait for the dev server to answer.'),
          })
          .strict()
          .prefault({}),
        searchAttributes: z
          .boolean()
          .optional()
          .describe(
            'Start the workflows with the custom search attributes (CeremonyId, CeremonyMode, ParticipantIdentity, TurnOutcome, Round, RoundAttempt) so the Temporal UI can filter by them. They must exist on the cluster first (docs/operations.md gives the commands). Unset: on with the embedded dev server (which registers them), off against temporal.address.',
          ),
        workerMetricsPort: port
          .optional()
          .describe(
            "Port a `ceremony worker` process serves the Temporal SDK's own metrics on (Prometheus, GET /metrics on 0.0.0.0): task polls, workflow and activity task latencies, schedule-to-start times, cache and slot usage. It also answers the worker's liveness probe. Unset: none.",
          ),
        taskQueues: z
          .object({
            workflows: z.string().min(1).default('ceremony-workflows').describe('Task queue of the workflow worker.'),
            verification: z.string().min(1).default('ceremony-verification').describe('Task queue of the verification (heavy activity) worker.'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        kind: z
          .enum(['fs', 's3'])
          .default('fs')
          .describe(
            'Object store: fs (filesystem, default) or s3. Against a shared Temporal (TEMPORAL_ADDRESS) every process must use the same store: s3, or fs with store.fsRoot on a shared volume; a process refuses to start otherwise.',
          ),
        fsRoot: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Root of the filesystem store. Unset: dataDir/objects, for the embedded stack only; required for the fs store when TEMPORAL_ADDRESS names a shared Temporal (a volume every API and worker mounts).',
          ),
        s3: z
          .object({
            endPoint: z.string().min(1).default('127.0.0.1').describe('S3 host.'),
            port: port.default(9000).describe('S3 port.'),
            useSSL: z.boolean().default(false).describe('Use HTTPS for S3.'),
            accessKey: z.string().min(1).optional().describe('S3 access key (secret: pass by environment or a mounted file, never commit it).'),
            secretKey: z.string().min(1).optional().describe('S3 secret key (secret).'),
            bucket: z.string().min(3).max(63).default('ceremony').describe('S3 bucket, created when missing.'),
            region: z.string().min(1).default('us-east-1').describe('S3 region.'),
            requestTimeoutMs: positiveMs.default(30_000).describe('Socket timeout of S3 requests.'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    auth: authConfigSchema.prefault({}),
    ceremony: ceremonyConfigSchema.prefault({}),
    evidence: z
      .object({
        receiptKey: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Receipt signing key (Ed25519) inline, PKCS#8 PEM (secret). Unset with receiptKeyFile: generated once into dataDir/keys for the embedded stack, and refused (the process does not start) when TEMPORAL_ADDRESS names a shared Temporal, where every process must sign with one key; its public JWK is published at /ceremony/info.',
          ),
        receiptKeyFile: z
          .string()
          .min(1)
          .optional()
          .describe('Path of a file holding the receipt signing key (PEM); every API and worker replica mounts the same one (required, or receiptKey, when TEMPORAL_ADDRESS is set).'),
        recordsPageSize: z.number().int().min(3).max(1000).default(100).describe('Entries per page of the records ledger (GET /records?page=N): each page is written to the store once full.'),
      })
      .strict()
      .prefault({}),
    shutdownTimeoutMs: positiveMs.max(120_000).default(10_000).describe('Time allowed for a graceful stop on SIGTERM.'),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.store.kind === 's3' && (cfg.store.s3.accessKey === undefined || cfg.store.s3.secretKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['store', 's3', 'accessKey'], message: 'store.kind is s3: store.s3.accessKey and store.s3.secretKey are required' });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

type Kind = 'string' | 'int' | 'bool';

/** Environment variables and the config path each one sets. Also the source of docs/configuration.md. */
export const environmentVariables: ReadonlyArray<{ name: string; path: string[]; kind: Kind }> = [
  { name: 'CEREMONY_DATA_DIR', path: ['dataDir'], kind: 'string' },
  { name: 'CEREMONY_ID', path: ['ceremony', 'id'], kind: 'string' },
  { name: 'CEREMONY_MODE', path: ['ceremony', 'mode'], kind: 'string' },
  { name: 'CEREMONY_RECEIPT_KEY', path: ['evidence', 'receiptKey'], kind: 'string' },
  { name: 'CEREMONY_RECEIPT_KEY_FILE', path: ['evidence', 'receiptKeyFile'], kind: 'string' },
  { name: 'CEREMONY_LOG_LEVEL', path: ['log', 'level'], kind: 'string' },
  { name: 'CEREMONY_API_HOST', path: ['api', 'host'], kind: 'string' },
  { name: 'CEREMONY_API_PORT', path: ['api', 'port'], kind: 'int' },
  { name: 'CEREMONY_CHECKIN_TOKEN_TTL_MS', path: ['api', 'checkinTokenTtlMs'], kind: 'int' },
  { name: 'CEREMONY_PUBLIC_URL', path: ['api', 'publicUrl'], kind: 'string' },
  { name: 'CEREMONY_MAX_UPLOAD_BYTES', path: ['api', 'maxUploadBytes'], kind: 'int' },
  { name: 'CEREMONY_TRUST_PROXY', path: ['api', 'trustProxy'], kind: 'bool' },
  { name: 'CEREMONY_CORS_ORIGINS', path: ['api', 'corsOrigins'], kind: 'string' },
  { name: 'CEREMONY_PROXY_HOPS', path: ['api', 'proxyHops'], kind: 'int' },
  { name: 'CEREMONY_MAX_CONNECTIONS', path: ['api', 'maxConnections'], kind: 'int' },
  { name: 'CEREMONY_MAX_IN_FLIGHT_REQUESTS', path: ['api', 'maxInFlightRequests'], kind: 'int' },
  { name: 'TEMPORAL_ADDRESS', path: ['temporal', 'address'], kind: 'string' },
  { name: 'TEMPORAL_NAMESPACE', path: ['temporal', 'namespace'], kind: 'string' },
  { name: 'CEREMONY_WORKER_METRICS_PORT', path: ['temporal', 'workerMetricsPort'], kind: 'int' },
  { name: 'CEREMONY_TEMPORAL_SEARCH_ATTRIBUTES', path: ['temporal', 'searchAttributes'], kind: 'bool' },
  { name: 'CEREMONY_TEMPORAL_EXECUTABLE', path: ['temporal', 'devServer', 'executable'], kind: 'string' },
  { name: 'CEREMONY_TEMPORAL_PORT', path: ['temporal', 'devServer', 'port'], kind: 'int' },
  { name: 'CEREMONY_TEMPORAL_UI_PORT', path: ['temporal', 'devServer', 'uiPort'], kind: 'int' },
  { name: 'CEREMONY_STORE', path: ['store', 'kind'], kind: 'string' },
  { name: 'CEREMONY_STORE_FS_ROOT', path: ['store', 'fsRoot'], kind: 'string' },
  { name: 'CEREMONY_S3_ENDPOINT', path: ['store', 's3', 'endPoint'], kind: 'string' },
  { name: 'CEREMONY_S3_PORT', path: ['store', 's3', 'port'], kind: 'int' },
  { name: 'CEREMONY_S3_USE_SSL', path: ['store', 's3', 'useSSL'], kind: 'bool' },
  { name: 'CEREMONY_S3_ACCESS_KEY', path: ['store', 's3', 'accessKey'], kind: 'string' },
  { name: 'CEREMONY_S3_SECRET_KEY', path: ['store', 's3', 'secretKey'], kind: 'string' },
  { name: 'CEREMONY_S3_BUCKET', path: ['store', 's3', 'bucket'], kind: 'string' },
  { name: 'CEREMONY_S3_REGION', path: ['store', 's3', 'region'], kind: 'string' },
  { name: 'CEREMONY_AUTH_ISSUER', path: ['auth', 'issuer'], kind: 'string' },
  { name: 'CEREMONY_AUTH_AUDIENCE', path: ['auth', 'audience'], kind: 'string' },
  { name: 'CEREMONY_AUTH_ALGORITHM', path: ['auth', 'algorithm'], kind: 'string' },
  { name: 'CEREMONY_AUTH_SIGNING_KEY', path: ['auth', 'signingKey'], kind: 'string' },
  { name: 'CEREMONY_AUTH_SIGNING_KEY_FILE', path: ['auth', 'signingKeyFile'], kind: 'string' },
  { name: 'CEREMONY_SESSION_TTL_SECONDS', path: ['auth', 'sessionTtlSeconds'], kind: 'int' },
  { name: 'CEREMONY_ADMINS', path: ['auth', 'admins'], kind: 'string' },
  { name: 'CEREMONY_DEV_LOGIN', path: ['auth', 'dev', 'enabled'], kind: 'bool' },
  { name: 'CEREMONY_SIWE_DOMAIN', path: ['auth', 'siwe', 'domain'], kind: 'string' },
  { name: 'CEREMONY_SIWE_URI', path: ['auth', 'siwe', 'uri'], kind: 'string' },
  { name: 'CEREMONY_SIWE_CHAIN_ID', path: ['auth', 'siwe', 'chainId'], kind: 'int' },
  { name: 'CEREMONY_SIWE_MIN_NONCE', path: ['auth', 'siwe', 'minNonce'], kind: 'int' },
  { name: 'CEREMONY_SIWE_RPC_URL', path: ['auth', 'siwe', 'rpcUrl'], kind: 'string' },
  { name: 'CEREMONY_GITHUB_CLIENT_ID', path: ['auth', 'github', 'clientId'], kind: 'string' },
  { name: 'CEREMONY_GITHUB_CLIENT_SECRET', path: ['auth', 'github', 'clientSecret'], kind: 'string' },
  { name: 'CEREMONY_GITHUB_CLIENT_SECRET_FILE', path: ['auth', 'github', 'clientSecretFile'], kind: 'string' },
  { name: 'CEREMONY_GITHUB_REDIRECT_URI', path: ['auth', 'github', 'redirectUri'], kind: 'string' },
  { name: 'CEREMONY_GITHUB_CREATED_BEFORE', path: ['auth', 'github', 'createdBefore'], kind: 'string' },
  { name: 'CEREMONY_GITHUB_FINISH_URL', path: ['auth', 'github', 'finishUrl'], kind: 'string' },
  { name: 'CEREMONY_RATE_LIMITS', path: ['auth', 'rateLimits', 'enabled'], kind: 'bool' },
];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Tree = Record<string, unknown>;

function setPath(target: Tree, keys: string[], value: unknown): void {
  let node = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Tree;
  });
}

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    const bothObjects = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof prev === 'object' && prev !== null && !Array.isArray(prev);
    out[key] = bothObjects ? deepMerge(prev as Tree, value as Tree) : value;
  }
  return out;
}

function parseEnvValue(name: string, raw: string, kind: Kind): unknown {
  if (kind === 'string') return raw;
  if (kind === 'int') {
    if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`invalid configuration: ${name}=${JSON.stringify(raw)} is not an integer`);
    return Number.parseInt(raw, 10);
  }
  const lowered = raw.trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(lowered)) return true;
  if (['0', 'false', 'no'].includes(lowered)) return false;
  throw new ConfigError(`invalid configuration: ${name}=${JSON.stringify(raw)} is not a boolean`);
}

export function configFromEnvironment(env: NodeJS.ProcessEnv): Tree {
  const out: Tree = {};
  for (const variable of environmentVariables) {
    const raw = env[variable.name];
    if (raw === undefined || raw === '') continue;
    setPath(out, variable.path, parseEnvValue(variable.name, raw, variable.kind));
  }
  return out;
}

function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a JSON object`);
  }
  return parsed as Tree;
}

export interface LoadConfigOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, as a partial config tree. */
  overrides?: Tree;
}

/** Loads and validates the configuration; throws ConfigError naming each bad field. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env['CEREMONY_CONFIG'];
  let merged: Tree = file === undefined || file === '' ? {} : readConfigFile(file);
  merged = deepMerge(merged, configFromEnvironment(env));
  merged = deepMerge(merged, options.overrides ?? {});
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `  ${field}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  const cfg = result.data;
  return { ...cfg, dataDir: path.resolve(cfg.dataDir) };
}

/**
 * What a process joining a shared Temporal (temporal.address) must be told rather than make for
 * itself: the embedded stack generates a receipt key and keeps objects under its own data directory,
 * but replicas on other hosts would each sign with their own key and keep objects the others cannot
 * read. One line per missing setting, naming it and its environment variable; empty when nothing
 * is missing or the stack is embedded.
 */
export function sharedTemporalProblems(cfg: Config): string[] {
  if (cfg.temporal.address === undefined) return [];
  const problems: string[] = [];
  if (cfg.evidence.receiptKey === undefined && cfg.evidence.receiptKeyFile === undefined) problems.push(RECEIPT_KEY_REQUIRED);
  if (cfg.store.kind === 'fs' && cfg.store.fsRoot === undefined) problems.push(STORE_REQUIRED);
  return problems;
}

export const RECEIPT_KEY_REQUIRED =
  'temporal.address (TEMPORAL_ADDRESS) names a shared Temporal, so every API and worker must sign receipts with one key: set evidence.receiptKeyFile (CEREMONY_RECEIPT_KEY_FILE) or evidence.receiptKey (CEREMONY_RECEIPT_KEY)';
export const STORE_REQUIRED =
  'temporal.address (TEMPORAL_ADDRESS) names a shared Temporal, so every API and worker must use one object store, not one under its own data directory: set store.kind s3 (CEREMONY_STORE=s3, with CEREMONY_S3_*), or store.fsRoot (CEREMONY_STORE_FS_ROOT) to a volume every process mounts';

/** Throws a ConfigError listing sharedTemporalProblems, if any. */
export function requireSharedTemporalSettings(cfg: Config): void {
  const problems = sharedTemporalProblems(cfg);
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/** Where the filesystem object store keeps its objects. */
export function fsStoreRoot(cfg: Config): string {
  return path.resolve(cfg.store.fsRoot ?? path.join(cfg.dataDir, 'objects'));
}

/** Whether the workflows carry the custom search attributes (common/search-attributes.ts). */
export function searchAttributesOn(cfg: Config): boolean {
  return cfg.temporal.searchAttributes ?? cfg.temporal.address === undefined;
}
