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

/** One rate limit: `what` (e.g. 'Login attempts') allowed per address per window; `name` names it in the window's description. */
const windowLimit = (limit: number, windowSeconds: number, what: string, name: string) =>
  z
    .object({
      limit: z.number().int().positive().default(limit).describe(`${what} allowed per address per window.`),
      windowSeconds: positiveSeconds.default(windowSeconds).describe(`Window of the ${name} limit.`),
    })
    .strict()
    .prefault({});

export const rateLimitConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Per-address rate limits (per API replica).'),
    login: windowLimit(50, 3600, 'Login attempts', 'login'),
    unauthenticated: windowLimit(100, 3600, 'Requests without a valid session', 'unauthenticated'),
    authenticated: windowLimit(50, 60, 'Requests with a valid session', 'authenticated'),
    inFlightPerAddress: z
      .number()
      .int()
      .positive()
      .max(100_000)
      .default(32)
      .describe(
        'Most requests one client address (an IPv6 /64) may have in flight at one replica; beyond it 429 RATE_LIMITED (class in-flight) with Retry-After, so a few clients trickling bodies cannot take every request slot. Off with the other limits.',
      ),
    maxTrackedClients: z.number().int().positive().max(10_000_000).default(100_000).describe('Most addresses tracked per limit (least recently seen forgotten first).'),
    loginPaths: z
      .array(z.string().startsWith('/'))
      .default(['/login', '/auth/github/callback', '/auth/github/device'])
      .describe(
        'Routes counted as login attempts, as the API declares them (a request counts by the route it reaches, whatever its case or trailing slash). A route the API does not serve fails the start.',
      ),
    exemptPaths: z
      .array(z.string().startsWith('/'))
      .default(['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json', '/auth/github/device/token'])
      .describe(
        'Routes never rate limited, as the API declares them. A route the API does not serve fails the start. /auth/github/device/token is polled every few seconds for up to 15 minutes: its own pacing (slow_down) limits it per device code, and only a device code POST /auth/github/device (a login attempt) signed is ever polled at GitHub. Besides these, the web front (/, /contribute, /receipt, /assets/:file) and what its live page polls (/ceremony/status, /ceremony/contributions, /rounds/status) are never limited, in either mode.',
      ),
  })
  .strict();

const siweConfigSchema = z
  .object({
    domain: z.string().min(1).optional().describe('host[:port] SIWE messages must name (default: the host of api.publicUrl, else api.host:api.port).'),
    uri: z.url().optional().describe('URI SIWE messages must carry (default: api.publicUrl, else http://api.host:api.port).'),
    chainId: z.number().int().nonnegative().default(1).describe('Chain ID SIWE messages must carry.'),
    nonceTtlSeconds: positiveSeconds.max(86_400).default(600).describe('Lifetime of a SIWE nonce from GET /auth/siwe/nonce.'),
    minNonce: z.number().int().nonnegative().default(0).describe('Anti-sybil: minimum transaction count of a SIWE address (0: off; needs rpcUrl).'),
    rpcUrl: z.url().optional().describe('Ethereum JSON-RPC URL asked for eth_getTransactionCount when minNonce > 0.'),
    rpcTimeoutMs: z.number().int().positive().max(120_000).default(5_000).describe('Deadline of the JSON-RPC call.'),
  })
  .strict();

const githubConfigSchema = z
  .object({
    clientId: z.string().min(1).optional().describe('GitHub OAuth app client id; setting it turns GitHub login on.'),
    clientSecret: z.string().min(1).optional().describe('GitHub OAuth client secret (secret: environment or a mounted file only).'),
    clientSecretFile: z.string().min(1).optional().describe('Path of a file holding the GitHub OAuth client secret.'),
    authorizeUrl: z.url().default('https://github.com/login/oauth/authorize').describe('GitHub authorize page.'),
    tokenUrl: z.url().default('https://github.com/login/oauth/access_token').describe('GitHub code-for-token endpoint.'),
    apiUrl: z.url().default('https://api.github.com').describe('GitHub REST API base (GET /user).'),
    redirectUri: z.url().optional().describe('OAuth callback URL (default: api.publicUrl + /auth/github/callback).'),
    scope: z.string().default('').describe('OAuth scopes requested (none needed to read the public profile).'),
    createdBefore: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe('Anti-sybil: refuse GitHub accounts created at or after this ISO date/time.'),
    finishUrl: z.url().optional().describe('When set, the callback redirects to `<finishUrl>#token=…` instead of answering JSON.'),
    stateTtlSeconds: positiveSeconds.max(3_600).default(600).describe('How long a GitHub login may take from start to callback.'),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000).describe('Deadline of each call to GitHub.'),
    deviceFlow: z
      .boolean()
      .default(true)
      .describe(
        'Serve the OAuth device flow (RFC 8628: POST /auth/github/device, then POST /auth/github/device/token) for `ceremony contributor --github`, with this clientId; the GitHub OAuth app must have "Enable Device Flow" ticked.',
      ),
    deviceCodeUrl: z.url().default('https://github.com/login/device/code').describe('GitHub device code endpoint (the device flow polls tokenUrl).'),
  })
  .strict()
  .superRefine((gh, ctx) => {
    if (gh.clientSecret !== undefined && gh.clientSecretFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientSecretFile'], message: 'set clientSecret or clientSecretFile, not both' });
    }
  });

export const authConfigSchema = z
  .object({
    issuer: z.string().min(1).default('ceremony-coordinator').describe('`iss` of session tokens; set one per ceremony.'),
    audience: z.string().min(1).default('ceremony').describe('`aud` of session tokens; set one per ceremony.'),
    algorithm: z.enum(['EdDSA', 'ES256']).default('EdDSA').describe('Session token signature algorithm: EdDSA (Ed25519) or ES256 (P-256); tokens of any other alg are refused.'),
    signingKey: z.string().min(1).optional().describe('Session signing key inline, PKCS#8 PEM or private JWK (secret). Unset with signingKeyFile: generated once into dataDir/keys.'),
    signingKeyFile: z.string().min(1).optional().describe('Path of a file holding the session signing key (PEM or JWK); share it between API replicas.'),
    sessionTtlSeconds: positiveSeconds
      .max(30 * 86_400)
      .default(86_400)
      .describe('Lifetime of a session token.'),
    admins: identityList.default([]).describe('Identities given `adm: true` in their session tokens (a JSON array, or one comma-separated string).'),
    dev: z
      .object({ enabled: z.boolean().default(false).describe('Allow `POST /login {provider:"dev", name}` (anyone can claim any name: development only).') })
      .strict()
      .prefault({}),
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
