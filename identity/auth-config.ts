// Configuration of identity: session tokens, login providers, rate limits. Wired into common/config.ts.
// Secrets (the signing key, the GitHub client secret) come from the environment or a mounted file.
import { z } from 'zod';

const positiveSeconds = z.number().int().positive();

/** An identity string such as `eth|0x…`, `git|<id>|@<handle>` or `dev|<name>`. */
export const identityString = z
  .string()
  .max(200)
  .regex(/^(?:eth|git|dev)\|\S+$/, 'expected an identity such as eth|0x… or git|<id>|@<handle>');

/** A list given as a JSON array, or as one comma-separated string (so it can come from one environment variable). */
const identityList = z
  .union([z.array(z.string()), z.string()])
  .transform((value) => (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim()).filter((s) => s !== ''))
  .pipe(z.array(identityString));

const windowLimit = (limit: number, windowSeconds: number) =>
  z
    .object({
      limit: z.number().int().positive().default(limit),
      windowSeconds: positiveSeconds.default(windowSeconds),
    })
    .strict()
    .prefault({});

export const rateLimitConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    login: windowLimit(50, 3600),
    unauthenticated: windowLimit(100, 3600),
    authenticated: windowLimit(50, 60),
    /** Most requests one address (an IPv6 /64) may have in flight at one replica. */
    inFlightPerAddress: z.number().int().positive().max(100_000).default(32),
    /** Most client addresses tracked per limit; the least recently seen are forgotten first. */
    maxTrackedClients: z.number().int().positive().max(10_000_000).default(100_000),
    /** Routes counted as login attempts, as the API declares them; a request is matched to its route first, whatever its case or trailing slash. */
    loginPaths: z.array(z.string().startsWith('/')).default(['/login', '/auth/github/callback']),
    /** Routes never limited (probes, metrics, public keys), as the API declares them. */
    exemptPaths: z.array(z.string().startsWith('/')).default(['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json']),
  })
  .strict();

const siweConfigSchema = z
  .object({
    /** host[:port] the SIWE message must name. Default: the host of api.publicUrl, else api.host:api.port. */
    domain: z.string().min(1).optional(),
    /** URI the message must carry. Default: api.publicUrl, else http://api.host:api.port. */
    uri: z.url().optional(),
    chainId: z.number().int().nonnegative().default(1),
    nonceTtlSeconds: positiveSeconds.max(86_400).default(600),
    /** Minimum transaction count (`eth_getTransactionCount`, "latest") of the address; 0 turns the rule off. */
    minNonce: z.number().int().nonnegative().default(0),
    rpcUrl: z.url().optional(),
    rpcTimeoutMs: z.number().int().positive().max(120_000).default(5_000),
  })
  .strict();

const githubConfigSchema = z
  .object({
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    clientSecretFile: z.string().min(1).optional(),
    authorizeUrl: z.url().default('https://github.com/login/oauth/authorize'),
    tokenUrl: z.url().default('https://github.com/login/oauth/access_token'),
    apiUrl: z.url().default('https://api.github.com'),
    /** Default: api.publicUrl (else http://api.host:api.port) + /auth/github/callback. */
    redirectUri: z.url().optional(),
    scope: z.string().default(''),
    /** Anti-sybil cutoff: accounts created at or after this instant are refused. */
    createdBefore: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    /** When set, the callback redirects to `<finishUrl>#token=…` instead of answering JSON. */
    finishUrl: z.url().optional(),
    stateTtlSeconds: positiveSeconds.max(3_600).default(600),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  })
  .strict()
  .superRefine((gh, ctx) => {
    if (gh.clientSecret !== undefined && gh.clientSecretFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientSecretFile'], message: 'set clientSecret or clientSecretFile, not both' });
    }
  });

export const authConfigSchema = z
  .object({
    /** `iss` of session tokens; set one per ceremony. */
    issuer: z.string().min(1).default('ceremony-coordinator'),
    /** `aud` of session tokens; set one per ceremony. */
    audience: z.string().min(1).default('ceremony'),
    algorithm: z.enum(['EdDSA', 'ES256']).default('EdDSA'),
    /** Inline private key: PKCS#8 PEM or a private JWK as JSON. */
    signingKey: z.string().min(1).optional(),
    /** Path of a file holding the private key (PEM or JWK). */
    signingKeyFile: z.string().min(1).optional(),
    sessionTtlSeconds: positiveSeconds.max(30 * 86_400).default(86_400),
    admins: identityList.default([]),
    dev: z.object({ enabled: z.boolean().default(false) }).strict().prefault({}),
    siwe: siweConfigSchema.prefault({}),
    github: githubConfigSchema.prefault({}),
    rateLimits: rateLimitConfigSchema.prefault({}),
  })
  .strict()
  .superRefine((auth, ctx) => {
    if (auth.signingKey !== undefined && auth.signingKeyFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['signingKeyFile'], message: 'set signingKey or signingKeyFile, not both' });
    }
    if (auth.siwe.minNonce > 0 && auth.siwe.rpcUrl === undefined) {
      ctx.addIssue({ code: 'custom', path: ['siwe', 'rpcUrl'], message: 'siwe.minNonce > 0 needs siwe.rpcUrl' });
    }
  });

export type AuthConfig = z.infer<typeof authConfigSchema>;
export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;
export type SiweConfig = AuthConfig['siwe'];
export type GithubConfig = AuthConfig['github'];
