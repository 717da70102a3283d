// Prints docs/configuration.md from the schema's defaults and the environment-variable table,
// so the document cannot drift from the code (a test compares them).
import { configSchema, environmentVariables } from '../common/config.js';

type Tree = Record<string, unknown>;

function flatten(value: unknown, prefix: string[] = [], out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Tree)) flatten(v, [...prefix, k], out);
  } else {
    out.push([prefix.join('.'), value]);
  }
  return out;
}

const descriptions: Record<string, string> = {
  dataDir: 'Data directory: the dev server SQLite file and the filesystem store live here.',
  'log.level': 'Log level of the JSON logs (fatal, error, warn, info, debug, trace, silent).',
  'api.host': 'Address the API listens on.',
  'api.port': 'Port the API listens on.',
  'api.publicUrl': 'URL the API is reached at from outside (used in links and SIWE messages).',
  'api.maxJsonBytes': 'Largest JSON request body accepted.',
  'api.maxUploadBytes': 'Largest contribution upload accepted.',
  'api.requestTimeoutMs': 'Longest time one request may take.',
  'api.trustProxy': 'Take client addresses (rate limits, logs) from X-Forwarded-For. Set it behind an ingress, and only then: without a proxy in front, anyone could pick their address.',
  'api.proxyHops': 'With api.trustProxy: how many proxies in front of the API append to X-Forwarded-For (ingress-nginx alone: 1; a cloud load balancer in front of it: 2). The client address is the entry this many places from the right; entries further left come from the client and are never trusted.',
  'api.maxConnections': 'Most open client connections one replica keeps; a connection beyond it is closed at once.',
  'api.maxInFlightRequests': 'Most requests one replica handles at once; beyond it a request gets 503 OVERLOADED with Retry-After (GET /healthz is never refused).',
  'evidence.recordsPageSize': 'Entries per page of the records ledger (GET /records?page=N): each page is written to the store once full.',
  'temporal.address': 'Temporal frontend host:port. Unset: `ceremony start` runs its own dev server.',
  'temporal.namespace': 'Temporal namespace.',
  'temporal.devServer.ip': 'Address the embedded dev server binds.',
  'temporal.devServer.port': 'gRPC port of the embedded dev server.',
  'temporal.devServer.uiPort': 'Port of the Temporal UI of the embedded dev server.',
  'temporal.devServer.executable': 'Path of the temporal binary (default .tools/bin/temporal).',
  'temporal.devServer.dbFileName': 'SQLite file of the dev server, inside dataDir.',
  'temporal.devServer.startTimeoutMs': 'How long to wait for the dev server to answer.',
  'temporal.taskQueues.workflows': 'Task queue of the workflow worker.',
  'temporal.taskQueues.verification': 'Task queue of the verification (heavy activity) worker.',
  'store.kind': 'Object store: fs (filesystem, default) or s3.',
  'store.fsRoot': 'Root of the filesystem store (default dataDir/objects).',
  'store.s3.endPoint': 'S3 host.',
  'store.s3.port': 'S3 port.',
  'store.s3.useSSL': 'Use HTTPS for S3.',
  'store.s3.accessKey': 'S3 access key (secret: pass by environment or a mounted file, never commit it).',
  'store.s3.secretKey': 'S3 secret key (secret).',
  'store.s3.bucket': 'S3 bucket, created when missing.',
  'store.s3.region': 'S3 region.',
  'store.s3.requestTimeoutMs': 'Socket timeout of S3 requests.',
  'auth.issuer': '`iss` of session tokens; set one per ceremony.',
  'auth.audience': '`aud` of session tokens; set one per ceremony.',
  'auth.algorithm': 'Session token signature algorithm: EdDSA (Ed25519) or ES256 (P-256); tokens of any other alg are refused.',
  'auth.signingKey': 'Session signing key inline, PKCS#8 PEM or private JWK (secret). Unset with signingKeyFile: generated once into dataDir/keys.',
  'auth.signingKeyFile': 'Path of a file holding the session signing key (PEM or JWK); share it between API replicas.',
  'auth.sessionTtlSeconds': 'Lifetime of a session token.',
  'auth.admins': 'Identities given `adm: true` in their session tokens (a JSON array, or one comma-separated string).',
  'auth.dev.enabled': 'Allow `POST /login {provider:"dev", name}` (anyone can claim any name: development only).',
  'auth.siwe.domain': 'host[:port] SIWE messages must name (default: the host of api.publicUrl, else api.host:api.port).',
  'auth.siwe.uri': 'URI SIWE messages must carry (default: api.publicUrl, else http://api.host:api.port).',
  'auth.siwe.chainId': 'Chain ID SIWE messages must carry.',
  'auth.siwe.nonceTtlSeconds': 'Lifetime of a SIWE nonce from GET /auth/siwe/nonce.',
  'auth.siwe.minNonce': 'Anti-sybil: minimum transaction count of a SIWE address (0: off; needs rpcUrl).',
  'auth.siwe.rpcUrl': 'Ethereum JSON-RPC URL asked for eth_getTransactionCount when minNonce > 0.',
  'auth.siwe.rpcTimeoutMs': 'Deadline of the JSON-RPC call.',
  'auth.github.clientId': 'GitHub OAuth app client id; setting it turns GitHub login on.',
  'auth.github.clientSecret': 'GitHub OAuth client secret (secret: environment or a mounted file only).',
  'auth.github.clientSecretFile': 'Path of a file holding the GitHub OAuth client secret.',
  'auth.github.authorizeUrl': 'GitHub authorize page.',
  'auth.github.tokenUrl': 'GitHub code-for-token endpoint.',
  'auth.github.apiUrl': 'GitHub REST API base (GET /user).',
  'auth.github.redirectUri': 'OAuth callback URL (default: api.publicUrl + /auth/github/callback).',
  'auth.github.scope': 'OAuth scopes requested (none needed to read the public profile).',
  'auth.github.createdBefore': 'Anti-sybil: refuse GitHub accounts created at or after this ISO date/time.',
  'auth.github.finishUrl': 'When set, the callback redirects to `<finishUrl>#token=…` instead of answering JSON.',
  'auth.github.stateTtlSeconds': 'How long a GitHub login may take from start to callback.',
  'auth.github.timeoutMs': 'Deadline of each call to GitHub.',
  'auth.rateLimits.enabled': 'Per-address rate limits (per API replica).',
  'auth.rateLimits.login.limit': 'Login attempts allowed per address per window.',
  'auth.rateLimits.login.windowSeconds': 'Window of the login limit.',
  'auth.rateLimits.unauthenticated.limit': 'Requests without a valid session allowed per address per window.',
  'auth.rateLimits.unauthenticated.windowSeconds': 'Window of the unauthenticated limit.',
  'auth.rateLimits.authenticated.limit': 'Requests with a valid session allowed per address per window.',
  'auth.rateLimits.authenticated.windowSeconds': 'Window of the authenticated limit.',
  'auth.rateLimits.maxTrackedClients': 'Most addresses tracked per limit (least recently seen forgotten first).',
  'auth.rateLimits.inFlightPerAddress': 'Most requests one client address (an IPv6 /64) may have in flight at one replica; beyond it 429 RATE_LIMITED (class in-flight) with Retry-After, so a few clients trickling bodies cannot take every request slot. Off with the other limits.',
  'auth.rateLimits.loginPaths': 'Routes counted as login attempts, as the API declares them (a request counts by the route it reaches, whatever its case or trailing slash). A route the API does not serve fails the start.',
  'auth.rateLimits.exemptPaths': 'Routes never rate limited, as the API declares them. A route the API does not serve fails the start.',
  'ceremony.id': 'Name of the ceremony (lowercase letters, digits, dashes; at most 40 characters): part of every workflow id (`ceremony-<id>…`) and written into receipts and records.',
  'ceremony.mode': 'Flow of the ceremony: sequential (one contributor at a time from a queue with check-ins) or rounds (groups of contributors working on chunks in parallel); chooses the workflows and API routes.',
  'ceremony.sizes': 'Sequential mode: the sub-ceremonies of the transcript, each `{numG1Powers, numG2Powers}` (numG2Powers ≤ numG1Powers); uploads of other sizes are refused.',
  'ceremony.contributionsPerIdentity': 'Sequential mode: how many contributions one identity may make; joining again after that is refused (ALREADY_CONTRIBUTED).',
  'ceremony.sequential.firstCheckinLeadMs': 'First check-in deadline, this many ms before the estimated start of the turn (when that moment is still ahead).',
  'ceremony.sequential.maxCheckinIntervalMs': 'Longest interval between check-ins (ms); otherwise half the expected wait.',
  'ceremony.sequential.halvingBelowWaitMs': 'Below this expected wait (ms), each check-in interval is half the previous one, down to minCheckinIntervalMs.',
  'ceremony.sequential.minCheckinIntervalMs': 'Shortest interval between check-ins (ms), also the poll interval of the participant next in line.',
  'ceremony.sequential.checkinGraceMs': 'Allowance for latency and clock skew (ms) after a check-in, start or compute deadline before the participant is removed or loses the turn.',
  'ceremony.sequential.startWindowMs': 'Time (ms) to call contribution/start after the check-in that answered ready; missed, the slot goes to the next participant.',
  'ceremony.sequential.computeDeadlineMs': 'Time (ms) from contribution/start to a completed upload; missed, the slot goes to the next participant.',
  'ceremony.sequential.initialRoundTripMs': 'Round trip of one turn (compute + verification, ms) assumed for wait estimates before any turn has been measured.',
  'ceremony.sequential.roundTripWindow': 'How many recent turns the average round trip (used for wait estimates and check-in deadlines) is taken over.',
  'ceremony.sequential.rejoinPenaltyMs': 'After losing a slot by a timeout, a missed check-in or an invalid contribution, rejoining the queue waits this long (ms).',
  'ceremony.sequential.abortPenaltyMs': 'After a voluntary abort or leave, rejoining the queue waits this long (ms; 0: at once).',
  'ceremony.sequential.verificationTimeoutMs': 'Longest one attempt of a contribution\'s verification activity may run (ms) before it is timed out and retried.',
  'ceremony.pulse.beatMs': 'How often (ms) every API replica tells the coordinator\'s pulse workflow it is up; the beats are how the coordinator knows when it could hear participants.',
  'ceremony.pulse.outageAfterMs': 'A gap between beats longer than this (ms; at least twice beatMs) is an outage of the coordinator: every check-in, start and compute deadline that falls in or just after it is extended by the outage\'s length, so no participant pays for the coordinator\'s own downtime.',
  'ceremony.rounds.numG1Powers': 'Rounds mode: number of G1 powers of tau (n) of the vector being built.',
  'ceremony.rounds.numG2Powers': 'Rounds mode: number of G2 powers of tau (m ≤ n) of the vector being built.',
  'ceremony.rounds.chunkCount': 'Rounds mode: number of chunks the vector is split into; each contributor of a round works through every chunk, in parallel with the others.',
  'ceremony.rounds.contributorsPerRound': 'Rounds mode: most contributors in one round; a round starts as soon as this many wait in the queue.',
  'ceremony.rounds.roundFillWaitMs': 'Rounds mode: a round that is not full starts anyway once the oldest waiter has waited this long (ms).',
  'ceremony.rounds.verification': 'Rounds mode: who verifies chunk contributions: coordinator (its own activity workers on the verification task queue) or external (`bin/ceremony verifier` processes of verifierIdentities, holding leases).',
  'ceremony.rounds.verifierIdentities': 'Rounds mode: identities allowed to act as external verifiers on /rounds/verifications.',
  'ceremony.rounds.replacementIdentities': 'Rounds mode: identities that stand by to take over the slot of a contributor dropped from a running round.',
  'ceremony.rounds.heartbeatTimeoutMs': 'Rounds mode: a contributor or external verifier not heard from for this long (ms) is dropped; a standby replacement must have polled within it.',
  'ceremony.rounds.slowTaskTimeoutMs': 'Rounds mode: a contributor holding one chunk longer than this (ms) is dropped as slow.',
  'ceremony.rounds.maxVerificationFailures': 'Rounds mode: this many failed verifications of one contributor\'s uploads drop the contributor.',
  'ceremony.rounds.verificationLeaseMs': 'Rounds mode: an external verifier must answer a leased verification within this long (ms), or the lease expires and counts against it.',
  'ceremony.rounds.maxVerifierFailures': 'Rounds mode: an external verifier whose leases expire this many times is dropped.',
  'ceremony.rounds.sweepIntervalMs': 'Rounds mode: how often (ms) a round looks for unresponsive or slow participants and expired verification leases.',
  'ceremony.rounds.maxRounds': 'Rounds mode: stop after this many completed rounds (0: no limit).',
  shutdownTimeoutMs: 'Time allowed for a graceful stop on SIGTERM.',
};

export function renderConfigDoc(): string {
  const defaults = configSchema.parse({});
  const envByPath = new Map(environmentVariables.map((v) => [v.path.join('.'), v.name]));
  const paths = new Set<string>([...flatten(defaults).map(([p]) => p), ...Object.keys(descriptions)]);
  const defaultsByPath = new Map(flatten(defaults));
  const rows = [...paths].sort().map((p) => {
    const d = defaultsByPath.get(p);
    const shown = d === undefined ? '(unset)' : `\`${JSON.stringify(d)}\``;
    return `| \`${p}\` | ${shown} | ${envByPath.has(p) ? `\`${envByPath.get(p)}\`` : ''} | ${descriptions[p] ?? ''} |`;
  });
  return [
    '# Configuration',
    '',
    'One typed schema (`common/config.ts`). Sources, lowest precedence first: built-in defaults, a JSON',
    'file (`--config FILE` or `CEREMONY_CONFIG`), environment variables, command-line flags (`--port`,',
    '`--host`, `--data-dir`). Unknown keys and invalid values stop the program at start with a message',
    'naming the field. This file is generated by `npx tsx scripts/gen-config-doc.ts > docs/configuration.md`;',
    'a test fails when it is out of date.',
    '',
    '| setting | default | environment | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(renderConfigDoc());
