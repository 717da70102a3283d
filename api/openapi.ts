// The OpenAPI 3.1 description of the HTTP API (health, metrics, login and keys, the sequential
// participant API in both name variants, transcripts, receipts, admin, and the rounds-mode API under
// /rounds/* and /admin/rounds/*), built in code so that the error codes and their statuses come from common/errors.ts and
// the rate-limit exemptions from the configuration's defaults. docs/openapi.json is this document as generated
// (`npx tsx scripts/gen-openapi.ts > docs/openapi.json`); a test compares the two and checks every
// registered route against the document.
import Router from '@koa/router';
import { errorCodes, httpStatusFor, type ErrorCode } from '../common/errors.js';
import { rateLimitConfigSchema } from '../identity/auth-config.js';
import { CHUNK_UPLOAD_PREFIX } from '../workflows/rounds/upload-keys.js';

type Schema = Record<string, unknown>;
type Method = 'get' | 'post';
/** Who may call: anyone, any session, a configured verifier (ceremony.rounds.verifierIdentities), an administrator. */
type Access = 'public' | 'session' | 'verifier' | 'admin';

const OPENAPI_PATH = '/openapi.json';
const API_VERSION = '0.1.0';

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const headerRef = (name: string): Schema => ({ $ref: `#/components/headers/${name}` });
const int = (description: string, extra: Schema = {}): Schema => ({ type: 'integer', description, ...extra });
const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const epochMs = (description: string): Schema => int(`${description} (milliseconds since the epoch)`, { minimum: 0 });
const isoTime = (description: string): Schema => str(description, { format: 'date-time' });
const obj = (properties: Record<string, Schema>, required: string[], extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  required,
  ...extra,
});
const array = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const json = (schema: Schema): Schema => ({ 'application/json': { schema } });

const G1 = '^0x[0-9a-f]{96}$';
const G2 = '^0x[0-9a-f]{192}$';
const SHA256 = '^[0-9a-f]{64}$';

const turnOutcomes = ['accepted', 'rejected', 'start-missed', 'compute-timeout', 'aborted', 'cancelled'];
const participantStatuses = ['idle', 'waiting', 'queued', 'ready', 'contributing', 'contributed', 'banned'];

function schemas(): Record<string, Schema> {
  const codes = Object.keys(errorCodes) as ErrorCode[];
  const timingFields: Record<string, string> = {
    firstCheckinLeadMs: 'first check-in deadline: this long before the estimated start',
    maxCheckinIntervalMs: 'longest interval between check-ins',
    halvingBelowWaitMs: 'below this expected wait, each check-in interval halves',
    minCheckinIntervalMs: 'shortest interval between check-ins (also the head-of-queue poll interval)',
    checkinGraceMs: 'allowance after a check-in deadline before removal',
    startWindowMs: 'time to call contribution/start after the check-in that said ready',
    computeDeadlineMs: 'time from contribution/start to a completed upload',
    initialRoundTripMs: 'round trip assumed before any turn has been measured',
    roundTripWindow: 'how many recent turns the average round trip is taken over',
    rejoinPenaltyMs: 'wait before rejoining after a timeout or an invalid contribution',
    abortPenaltyMs: 'wait before rejoining after a voluntary abort or leave',
    verificationTimeoutMs: 'longest a verification may take before it is retried',
  };
  const statsFields = ['accepted', 'rejected', 'startMissed', 'computeTimeouts', 'aborted', 'cancelled', 'leftQueue', 'removedForMissedCheckin', 'turns'];
  const transcriptHead = obj(
    {
      sequence: int('number of contributions in the transcript', { minimum: 0 }),
      transcriptKey: str('object key of the full BatchTranscript'),
      transcriptSha256: str('SHA-256 of the transcript file', { pattern: SHA256 }),
      powersKey: str('object key of the current powers (what contribution/start hands out)'),
    },
    ['sequence', 'transcriptKey', 'transcriptSha256', 'powersKey'],
  );
  const powersOfTau = obj(
    {
      G1Powers: array(str('compressed G1 point', { pattern: G1 })),
      G2Powers: array(str('compressed G2 point', { pattern: G2 })),
    },
    ['G1Powers', 'G2Powers'],
    { additionalProperties: false },
  );
  const checkinFields: Record<string, Schema> = {
    status: str('waiting: far from the head; queued: expected start within the halving threshold; ready: your turn, call contribution/start', {
      enum: ['waiting', 'queued', 'ready'],
    }),
    position: int('1-based place in the queue; 0 when it is your turn', { minimum: 0 }),
    waitersAhead: int('participants ahead, counting the one contributing', { minimum: 0 }),
    expectedWaitMs: int('average round trip times the waiters ahead', { minimum: 0 }),
    expectedStartAt: isoTime('estimated start'),
    averageRoundTripMs: int('average compute + verification time of recent turns', { minimum: 0 }),
    nextDeadline: isoTime('check in again before this instant (removal comes checkinGraceMs later)'),
    nextDeadlineMs: epochMs('nextDeadline'),
    checkinIntervalMs: int('the interval this deadline was computed with', { minimum: 0 }),
    turnId: str('the turn, when status is ready'),
  };
  const checkinRequired = ['status', 'position', 'waitersAhead', 'expectedWaitMs', 'expectedStartAt', 'averageRoundTripMs', 'nextDeadline', 'nextDeadlineMs', 'checkinIntervalMs'];

  return {
    ErrorCode: {
      type: 'string',
      enum: codes,
      description: `Stable error codes and their HTTP statuses: ${codes.map((c) => `${c} ${httpStatusFor(c)}`).join(', ')}.`,
      'x-http-status': Object.fromEntries(codes.map((c) => [c, httpStatusFor(c)])),
    },
    Error: obj(
      {
        code: ref('ErrorCode'),
        message: str('human-readable explanation'),
        details: { type: 'object', additionalProperties: true, description: 'structured details (for example retryAfterSeconds, check, checks)' },
      },
      ['code', 'message'],
      { additionalProperties: false },
    ),
    DevLogin: obj(
      {
        provider: { const: 'dev' },
        name: str('1-40 lowercase letters, digits, ".", "_" or "-"; the identity is dev|<name>', { maxLength: 64 }),
      },
      ['provider', 'name'],
      { additionalProperties: false, description: 'development login; only when auth.dev.enabled' },
    ),
    SiweLogin: obj(
      {
        provider: { const: 'siwe' },
        message: str('EIP-4361 message carrying the nonce from GET /auth/siwe/nonce', { minLength: 1, maxLength: 8192 }),
        signature: str('personal_sign signature of the message', { minLength: 1, maxLength: 256 }),
      },
      ['provider', 'message', 'signature'],
      { additionalProperties: false, description: 'Sign-In with Ethereum' },
    ),
    LoginRequest: { oneOf: [ref('DevLogin'), ref('SiweLogin')], discriminator: { propertyName: 'provider', mapping: { dev: '#/components/schemas/DevLogin', siwe: '#/components/schemas/SiweLogin' } } },
    LoginResponse: obj(
      {
        token: str('session token (JWT); send as Authorization: Bearer <token>'),
        participantId: str('the identity, e.g. eth|0x…, git|<id>|@<handle>, dev|<name>'),
        expiresAt: epochMs('token expiry'),
      },
      ['token', 'participantId', 'expiresAt'],
    ),
    SiweChallenge: obj(
      {
        nonce: str('stateless signed nonce to put in the SIWE message'),
        domain: str('domain the message must name'),
        uri: str('URI the message must carry', { format: 'uri' }),
        chainId: int('chain id the message must carry', { minimum: 0 }),
        version: { const: '1' },
        expirationTime: isoTime('the nonce expires at this instant'),
        expiresAt: epochMs('expirationTime'),
      },
      ['nonce', 'domain', 'uri', 'chainId', 'version', 'expirationTime', 'expiresAt'],
    ),
    Session: obj(
      {
        participantId: str('equal to the identity'),
        identity: str('identity string'),
        provider: str('login provider', { enum: ['dev', 'siwe', 'github'] }),
        sessionId: str('id of this session'),
        admin: { type: 'boolean' },
        expiresAt: epochMs('token expiry'),
      },
      ['participantId', 'identity', 'provider', 'sessionId', 'admin', 'expiresAt'],
    ),
    Jwk: { type: 'object', required: ['kty'], properties: { kty: { type: 'string' }, kid: { type: 'string' }, alg: { type: 'string' }, use: { type: 'string' } }, additionalProperties: true },
    Jwks: obj({ keys: array(ref('Jwk')) }, ['keys']),
    Health: obj({ status: { const: 'ok' } }, ['status']),
    Readiness: obj(
      { status: { const: 'ready' }, checks: { type: 'object', additionalProperties: { type: 'string' }, description: 'per dependency (temporal, store): ok or the failure' } },
      ['status', 'checks'],
    ),
    SubCeremonySize: obj({ numG1Powers: int('G1 powers', { minimum: 2 }), numG2Powers: int('G2 powers', { minimum: 2 }) }, ['numG1Powers', 'numG2Powers']),
    SequentialTiming: obj(
      Object.fromEntries(Object.entries(timingFields).map(([k, d]) => [k, int(d, { minimum: 0 })])),
      Object.keys(timingFields),
    ),
    CeremonyInfo: obj(
      {
        ceremonyId: str('ceremony id'),
        mode: { const: 'sequential' },
        sizes: array(ref('SubCeremonySize')),
        contributionsPerIdentity: int('contributions allowed per identity', { minimum: 1 }),
        timing: ref('SequentialTiming'),
        receiptKeys: ref('Jwks'),
        receiptKeyFingerprints: array(str('RFC 7638 thumbprint of a receipt key (its kid): what `ceremony verify --key` pins')),
        sessionKeysUrl: str('where the session token keys are published'),
        phase: ref('PhaseView'),
      },
      ['ceremonyId', 'mode', 'sizes', 'contributionsPerIdentity', 'timing', 'receiptKeys', 'sessionKeysUrl'],
    ),
    CeremonyStats: obj(
      Object.fromEntries(statsFields.map((k) => [k, int(k, { minimum: 0 })])),
      statsFields,
    ),
    CeremonyStatus: obj(
      {
        ceremonyId: str('ceremony id'),
        mode: { const: 'sequential' },
        queueLength: int('participants waiting', { minimum: 0 }),
        contributing: nullable(obj({ turnId: str('turn id'), startedAt: isoTime('when the turn was created') }, ['turnId', 'startedAt'])),
        sequence: int('contributions in the current transcript', { minimum: 0 }),
        transcriptSha256: nullable(str('SHA-256 of the current transcript', { pattern: SHA256 })),
        averageRoundTripMs: int('average compute + verification time of recent turns', { minimum: 0 }),
        stats: ref('CeremonyStats'),
        phase: ref('PhaseView'),
      },
      ['ceremonyId', 'mode', 'queueLength', 'contributing', 'sequence', 'transcriptSha256', 'averageRoundTripMs', 'stats', 'phase'],
    ),
    CheckinAnswer: obj(checkinFields, checkinRequired),
    EnterAnswer: obj({ ...checkinFields, participantId: str('participant id (a hash of the identity)') }, [...checkinRequired, 'participantId']),
    LeaveAnswer: obj({ status: str('participant status after leaving', { enum: participantStatuses }) }, ['status']),
    ParticipantView: obj(
      {
        participantId: str('participant id'),
        identity: str('identity string'),
        status: str('participant status', { enum: participantStatuses }),
        contributions: int('accepted contributions', { minimum: 0 }),
        strikes: int('lost slots (missed check-ins, missed start windows, timeouts, invalid contributions)', { minimum: 0 }),
        penaltyUntil: epochMs('may not rejoin before'),
        removedReason: str('why the participant left the queue'),
        turnId: str('current turn'),
        checkinDeadline: epochMs('current check-in deadline'),
        checkinIntervalMs: int('current check-in interval', { minimum: 0 }),
        receipts: array(obj({ sequence: int('sequence', { minimum: 1 }), receiptId: str('receipt id', { pattern: SHA256 }), receiptKey: str('object key') }, ['sequence', 'receiptId', 'receiptKey'])),
        lastOutcome: str('outcome of the last turn', { enum: turnOutcomes }),
      },
      ['participantId', 'identity', 'status', 'contributions', 'strikes', 'receipts'],
    ),
    SubContribution: obj(
      {
        numG1Powers: int('G1 powers', { minimum: 2 }),
        numG2Powers: int('G2 powers', { minimum: 2 }),
        powersOfTau: powersOfTau,
        potPubkey: str('[x]_2 of the contributor secret (required in an upload, absent in handed-out powers)', { pattern: G2 }),
        blsSignature: str('BLS signature of the identity (G1) or empty', { pattern: `${G1}|^$` }),
        bls_signature: str('accepted in an upload instead of blsSignature (not both)', { pattern: `${G1}|^$` }),
      },
      ['numG1Powers', 'numG2Powers', 'powersOfTau'],
      { additionalProperties: false },
    ),
    BatchContribution: obj(
      { contributions: array(ref('SubContribution'), { minItems: 1 }), ecdsaSignature: str('EIP-712 signature over the pubkeys, or empty') },
      ['contributions'],
      { additionalProperties: false, description: 'The KZG ceremony BatchContribution JSON: handed out by contribution/start, uploaded to contribution/complete' },
    ),
    SubTranscript: obj(
      {
        numG1Powers: int('G1 powers', { minimum: 2 }),
        numG2Powers: int('G2 powers', { minimum: 2 }),
        powersOfTau: powersOfTau,
        witness: obj(
          {
            runningProducts: array(str('G1 point', { pattern: G1 })),
            potPubkeys: array(str('G2 point', { pattern: G2 })),
            blsSignatures: array(str('G1 point or empty', { pattern: `${G1}|^$` })),
          },
          ['runningProducts', 'potPubkeys', 'blsSignatures'],
          { additionalProperties: false },
        ),
      },
      ['numG1Powers', 'numG2Powers', 'powersOfTau', 'witness'],
      { additionalProperties: false },
    ),
    BatchTranscript: obj(
      {
        transcripts: array(ref('SubTranscript'), { minItems: 1 }),
        participantIds: array(str('identity per contribution, empty for the initial entry')),
        participantEcdsaSignatures: array(str('EIP-712 ECDSA signature per contribution, or empty')),
      },
      ['transcripts', 'participantIds', 'participantEcdsaSignatures'],
      { additionalProperties: false, description: 'The KZG ceremony BatchTranscript JSON' },
    ),
    ReceiptPayload: obj(
      {
        version: { const: 1 },
        ceremonyId: str('ceremony id'),
        identity: str('identity string'),
        sequence: int('sequence number of the contribution', { minimum: 1 }),
        transcriptSha256Before: str('transcript hash before', { pattern: SHA256 }),
        transcriptSha256After: str('transcript hash after', { pattern: SHA256 }),
        potPubkeys: array(str('G2 point', { pattern: G2 })),
        acceptedAt: isoTime('when the contribution was accepted'),
      },
      ['version', 'ceremonyId', 'identity', 'sequence', 'transcriptSha256Before', 'transcriptSha256After', 'potPubkeys', 'acceptedAt'],
    ),
    RoundReceiptPayload: obj(
      {
        version: { const: 1 },
        kind: { const: 'round-contribution' },
        ceremonyId: str('ceremony id'),
        round: int('the round', { minimum: 1 }),
        identity: str('identity string'),
        contributions: array(obj({ chunk: int('chunk index', { minimum: 0 }), uploadKey: str('the accepted chunk upload'), pubkey: str('G2 point', { pattern: G2 }) }, ['chunk', 'uploadKey'])),
        aggregatedSha256: str('SHA-256 of the round\'s aggregated transcript', { pattern: SHA256 }),
        issuedAt: isoTime('when the receipt was issued'),
      },
      ['version', 'kind', 'ceremonyId', 'round', 'identity', 'contributions', 'aggregatedSha256', 'issuedAt'],
    ),
    Receipt: obj(
      {
        jws: str('compact JWS (EdDSA) over the payload; typ ceremony-receipt+jws for a turn, ceremony-round-receipt+jws for a round; keys at /ceremony/info'),
        payload: { oneOf: [ref('ReceiptPayload'), ref('RoundReceiptPayload')] },
      },
      ['jws', 'payload'],
    ),
    CompleteAnswer: obj(
      {
        outcome: { const: 'accepted' },
        sequence: int('sequence number of the contribution', { minimum: 1 }),
        receiptId: str('receipt id (GET /receipts/{id})', { pattern: SHA256 }),
        receipt: ref('Receipt'),
        transcriptSha256: str('hash of the new transcript', { pattern: SHA256 }),
      },
      ['outcome', 'sequence', 'receiptId', 'receipt', 'transcriptSha256'],
    ),
    AbortAnswer: obj({ outcome: str('turn outcome', { enum: turnOutcomes }) }, ['outcome']),
    QueueSnapshot: obj(
      {
        ceremonyId: str('ceremony id'),
        queue: array(str('participant id'), { description: 'participant ids in queue order' }),
        current: nullable(obj({ participantId: str('participant id'), turnId: str('turn id'), startedAt: epochMs('turn created') }, ['participantId', 'turnId', 'startedAt'])),
        head: nullable(transcriptHead),
        lastRecordKey: str('newest record of the hash chain of turn outcomes'),
        averageRoundTripMs: int('average compute + verification time of recent turns', { minimum: 0 }),
        stats: ref('CeremonyStats'),
      },
      ['ceremonyId', 'queue', 'current', 'head', 'averageRoundTripMs', 'stats'],
    ),
    PhaseView: obj(
      {
        phase: str('open: anyone may join; closed: no new joins, the queue drains; final: the beacon contribution is the last', { enum: ['open', 'closed', 'final'] }),
        closedAt: epochMs('when the lobby was closed'),
        closedReason: str('why (recorded)'),
        beacon: obj(
          {
            announcement: obj(
              { source: str('where the beacon value will come from'), iterations: int('SHA-256 iterations', { minimum: 1 }), announcedAt: epochMs('when it was announced'), recordKey: str('the announcement record') },
              ['source', 'iterations', 'announcedAt', 'recordKey'],
            ),
            final: obj(
              {
                beaconValueHex: str('the beacon value'),
                digestHex: str('SHA-256^iterations of the value'),
                iterations: int('SHA-256 iterations', { minimum: 1 }),
                sequence: int('the beacon contribution number', { minimum: 1 }),
                recordKey: str('the beacon record'),
              },
              ['beaconValueHex', 'digestHex', 'iterations', 'sequence', 'recordKey'],
            ),
          },
          ['announcement'],
        ),
      },
      ['phase'],
    ),
    CloseRequest: obj({ reason: str('why (recorded)', { minLength: 1, maxLength: 500 }) }, ['reason'], { additionalProperties: false }),
    BeaconAnnouncement: obj(
      { source: str('where the value will come from, e.g. a future block hash', { minLength: 1, maxLength: 500 }), iterations: int('SHA-256 iterations', { minimum: 1, maximum: 2 ** 24 }) },
      ['source', 'iterations'],
      { additionalProperties: false },
    ),
    FinaliseRequest: obj({ beaconValueHex: str('the beacon value, lowercase 0x-hex', { pattern: '^0x(?:[0-9a-f]{2}){1,1024}$' }) }, ['beaconValueHex'], { additionalProperties: false }),
    AdminTarget: obj(
      { identity: str('identity string', { minLength: 3, maxLength: 200 }), reason: str('why (recorded)', { maxLength: 500, default: '' }) },
      ['identity'],
      { additionalProperties: false },
    ),
    BanAnswer: obj({ identity: str('identity string'), banned: { type: 'boolean' } }, ['identity', 'banned']),
    DropAnswer: obj({ identity: str('identity string'), dropped: { const: true } }, ['identity', 'dropped']),
    ...roundsSchemas(),
  };
}

/** A `{action: <const>, ...}` variant of a tagged answer. */
const action = (name: string, properties: Record<string, Schema> = {}): Schema => obj({ action: { const: name }, ...properties }, ['action', ...Object.keys(properties)]);
/** A oneOf of `action` variants, discriminated by it. */
const byAction = (variants: Schema[]): Schema => ({ oneOf: variants, discriminator: { propertyName: 'action' } });

/** The rounds-mode schemas (workflows/rounds/types.ts, ceremony-types.ts, engine/chunked/types.ts). */
function roundsSchemas(): Record<string, Schema> {
  const count = (description: string): Schema => int(description, { minimum: 0 });
  const key = str('object key (GET /rounds/objects/<key>)');
  const memberId = str('participant id (a hash of the identity)');
  const receipts = array(obj({ memberId, identity: str('identity string'), receiptId: str('receipt id') }, ['memberId', 'identity', 'receiptId']));
  const chunkState: Record<string, Schema> = {
    chunkIndex: count('index of this chunk'),
    chunkCount: int('chunks of the vector', { minimum: 1 }),
    numG1Powers: int('G1 powers of the whole vector', { minimum: 2 }),
    numG2Powers: int('G2 powers of the whole vector', { minimum: 2 }),
    start: count("global index of the chunk's first G1 power"),
    end: count("global index of the chunk's last G1 power (inclusive)"),
    g1Powers: array(str('[tau^i]_1, i = start..end', { pattern: G1 })),
    g2Powers: array(str('[tau^i]_2 (chunk 0 only; empty for the others)', { pattern: G2 })),
    runningProduct: str('[tau]_1', { pattern: G1 }),
    tauG2: str('[tau]_2', { pattern: G2 }),
  };
  const chunkProofs: Record<string, Schema> = {
    potPubkey: str('[x]_2 of the secret, the same in every chunk of one contributor in one round', { pattern: G2 }),
    ladder: array(obj({ g1: str('[x^(2^k)]_1', { pattern: G1 }), g2: str('[x^(2^k)]_2', { pattern: G2 }) }, ['g1', 'g2'], { additionalProperties: false })),
    startChain: array(str('one G1 point per set bit of start; empty for start 0', { pattern: G1 })),
  };
  const wait = { retryAfterMs: count('ask again after this long') };
  const dropped = action('dropped', { reason: str('why you were dropped') });
  return {
    RoundsCeremonyInfo: obj(
      {
        ceremonyId: str('ceremony id'),
        mode: { const: 'rounds' },
        numG1Powers: int('G1 powers', { minimum: 2 }),
        numG2Powers: int('G2 powers', { minimum: 2 }),
        chunkCount: int('chunks the vector is split into', { minimum: 1 }),
        contributorsPerRound: int('most contributors in one round', { minimum: 1 }),
        verification: str('who verifies chunk contributions', { enum: ['coordinator', 'external'] }),
        receiptKeys: ref('Jwks'),
        receiptKeyFingerprints: array(str('RFC 7638 thumbprint of a receipt key (its kid): what `ceremony verify --key` pins')),
        sessionKeysUrl: str('where the session token keys are published'),
      },
      ['ceremonyId', 'mode', 'numG1Powers', 'numG2Powers', 'chunkCount', 'contributorsPerRound', 'verification', 'receiptKeys', 'sessionKeysUrl'],
    ),
    Member: obj({ id: memberId, identity: str('identity string') }, ['id', 'identity']),
    DropEntry: obj(
      {
        memberId,
        identity: str('identity string'),
        role: str('role of the dropped participant', { enum: ['contributor', 'verifier'] }),
        reason: str('why', { enum: ['unresponsive', 'slow', 'verification-failures', 'admin', 'banned', 'verifier-failures'] }),
        at: epochMs('when'),
        removedContributions: array(str('contribution id')),
        replacedBy: str('participant id of the replacement'),
      },
      ['memberId', 'identity', 'role', 'reason', 'at', 'removedContributions'],
    ),
    RoundStatus: obj(
      {
        round: int('round number', { minimum: 1 }),
        attempt: count('attempt of this round (restarts add one)'),
        phase: str('round phase', { enum: ['contributing', 'aggregating', 'complete', 'restarting', 'cancelled'] }),
        slots: array(
          obj(
            {
              slot: count('slot'),
              memberId,
              identity: str('identity string'),
              status: str('slot status', { enum: ['active', 'dropped', 'finished'] }),
              isReplacement: { type: 'boolean' },
              done: count('verified chunks'),
              total: count('chunks to contribute to'),
              failures: count('failed verifications'),
            },
            ['slot', 'memberId', 'identity', 'status', 'isReplacement', 'done', 'total', 'failures'],
          ),
        ),
        chunks: array(obj({ index: count('chunk'), verified: count('verified contributions'), verifying: count('contributions being verified'), lockedBySlot: count('slot working on it') }, ['index', 'verified', 'verifying'])),
        verifiers: array(
          obj(
            { id: memberId, identity: str('identity string'), failures: count('failed or late verifications'), lastSeen: epochMs('last call'), status: str('verifier status', { enum: ['active', 'dropped'] }) },
            ['id', 'identity', 'failures', 'lastSeen', 'status'],
          ),
        ),
        pendingVerifications: count('contributions awaiting a verifier'),
        drops: array(ref('DropEntry')),
        replacementsAvailable: count('replacement contributors standing by'),
        progress: obj({ verifiedContributions: count('verified'), totalContributions: count('needed') }, ['verifiedContributions', 'totalContributions']),
      },
      ['round', 'attempt', 'phase', 'slots', 'chunks', 'verifiers', 'pendingVerifications', 'drops', 'replacementsAvailable', 'progress'],
    ),
    RoundsStatus: obj(
      {
        ceremonyId: str('ceremony id'),
        phase: str('ceremony phase', { enum: ['initialising', 'waiting-for-contributors', 'round-running', 'finished'] }),
        queue: array(ref('Member'), { description: 'waiting for a round, in order' }),
        banned: array(memberId),
        completedRounds: count('rounds completed'),
        current: nullable(
          obj({ round: int('round', { minimum: 1 }), attempt: count('attempt'), workflowId: str('round workflow id'), contributors: array(ref('Member')) }, ['round', 'attempt', 'workflowId', 'contributors']),
        ),
        baseStateKeys: array(key, { description: 'the verified state of each chunk the next contributions build on' }),
        history: array(
          obj(
            {
              round: int('round', { minimum: 1 }),
              attempts: int('attempts it took', { minimum: 1 }),
              aggregatedKey: key,
              aggregatedSha256: str('SHA-256 of the aggregated parameters', { pattern: SHA256 }),
              finalStateKeys: array(key),
              contributors: array(ref('Member')),
              receipts,
              drops: array(ref('DropEntry')),
              backupKey: str('ceremony backup taken after the round'),
              completedAt: epochMs('completed'),
            },
            ['round', 'attempts', 'aggregatedKey', 'aggregatedSha256', 'finalStateKeys', 'contributors', 'receipts', 'drops', 'completedAt'],
          ),
        ),
        restarts: array(obj({ round: int('round', { minimum: 1 }), attempt: count('attempt'), reason: str('why'), at: epochMs('when') }, ['round', 'attempt', 'reason', 'at'])),
        lastBackupKey: str('newest ceremony backup (POST /admin/rounds/restore)'),
        round: nullable(ref('RoundStatus')),
      },
      ['ceremonyId', 'phase', 'queue', 'banned', 'completedRounds', 'current', 'baseStateKeys', 'history', 'restarts', 'round'],
    ),
    RoundsJoinAnswer: obj({ position: int('1-based place in the round queue', { minimum: 1 }), round: int('the round the queue fills next', { minimum: 1 }) }, ['position', 'round']),
    RoundsInstructions: obj(
      {
        round: nullable(int('running round', { minimum: 1 })),
        queuePosition: nullable(int('1-based place in the round queue', { minimum: 1 })),
        tasks: array(obj({ chunk: count('chunk'), state: str('your work on it', { enum: ['pending', 'in-progress', 'verifying', 'verified'] }) }, ['chunk', 'state'])),
        status: str('not-in-queue or queued while no round runs; otherwise the round phase, or not-in-round, dropped, standby (a replacement)', {
          enum: ['not-in-queue', 'queued', 'not-in-round', 'dropped', 'standby', 'contributing', 'aggregating', 'complete', 'restarting', 'cancelled'],
        }),
      },
      ['round', 'queuePosition', 'tasks', 'status'],
    ),
    TaskAnswer: byAction([
      action('contribute', {
        round: int('round', { minimum: 1 }),
        chunk: count('chunk to contribute to: POST /rounds/contribution/{chunk}?base={baseStateKey}'),
        baseStateKey: str('the state to build on (download it from GET /rounds/objects/<baseStateKey>)'),
        contributionIndex: count('contributions the chunk already holds this round'),
      }),
      action('wait', { ...wait, reason: str('why') }),
      action('done', { round: int('the round you completed', { minimum: 1 }) }),
      dropped,
      action('not-in-round'),
    ]),
    ChunkState: obj(chunkState, Object.keys(chunkState), { additionalProperties: false, description: 'The verified state of one chunk' }),
    ChunkContribution: obj({ ...chunkState, ...chunkProofs }, [...Object.keys(chunkState), ...Object.keys(chunkProofs)], {
      additionalProperties: false,
      description: 'What a contributor uploads for one chunk: the next state and its proofs',
    }),
    ChunkSubmitted: obj({ contributionId: str('contribution id'), status: { const: 'verifying' } }, ['contributionId', 'status']),
    VerificationTask: byAction([
      action('verify', {
        contributionId: str('contribution to verify (POST /rounds/verifications/{contributionId})'),
        chunk: count('chunk'),
        baseStateKey: str('object key of the state it builds on'),
        uploadKey: str('object key of the upload'),
        expectedPubkey: str("the contributor's [x]_2 from an earlier verified chunk; absent for its first", { pattern: G2 }),
      }),
      action('wait', wait),
      dropped,
    ]),
    VerdictRequest: obj(
      { signature: str("compact JWS (EdDSA, the verifier's public key as jwk in the protected header) whose payload is a VerdictPayload", { minLength: 10, maxLength: 16_384 }) },
      ['signature'],
      { additionalProperties: false },
    ),
    VerdictPayload: obj(
      {
        contributionId: str('equal to the path parameter', { minLength: 1, maxLength: 200 }),
        uploadKey: str('the upload verified', { minLength: 1, maxLength: 200 }),
        valid: { type: 'boolean' },
        code: str('failed check, when invalid', { maxLength: 100 }),
        message: str('explanation, when invalid', { maxLength: 2_000 }),
        pubkey: str("the contributor's [x]_2 (required when valid)", { pattern: G2 }),
      },
      ['contributionId', 'uploadKey', 'valid'],
      { additionalProperties: false, description: 'The signed payload of a verdict' },
    ),
    RoundsRestartRequest: obj({ reason: str('why (recorded)', { minLength: 1, maxLength: 500 }) }, ['reason'], { additionalProperties: false }),
    RoundsRestoreRequest: obj({ backupKey: str('a ceremony backup (lastBackupKey, history[].backupKey)', { pattern: '^backups/[0-9a-f]{64}$' }) }, ['backupKey'], { additionalProperties: false }),
  };
}

// ---- operations ----

interface Operation {
  method: Method;
  /** Koa-style path (`/receipts/:id`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  parameters?: Schema[];
  requestBody?: Schema;
  /** Success responses by status. */
  responses: Record<string, Schema>;
  /** Error codes specific to this operation (the common ones are added from the flags below). */
  errors: ErrorCode[];
  /** Calls Temporal: the ceremony may not run, Temporal may be unreachable or slow. */
  temporal?: boolean;
  /** Reads or writes the object store. */
  store?: boolean;
  /** Reads a JSON request body. */
  jsonBody?: boolean;
}

const bodyErrors: ErrorCode[] = ['UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'MALFORMED_JSON', 'VALIDATION_FAILED'];
const temporalErrors: ErrorCode[] = ['NOT_READY', 'TEMPORAL_UNAVAILABLE', 'TIMEOUT'];
const sessionErrors: ErrorCode[] = ['UNAUTHENTICATED', 'INVALID_TOKEN', 'TOKEN_EXPIRED'];

const withRequestId = (response: Schema, headers: Record<string, Schema> = {}): Schema => ({
  ...response,
  headers: { 'X-Request-Id': headerRef('RequestId'), ...headers },
});

const ok = (description: string, schema: Schema, headers: Record<string, Schema> = {}): Schema => withRequestId({ description, content: json(schema) }, headers);

const pathParam = (name: string, description: string, schema: Schema): Schema => ({ name, in: 'path', required: true, description, schema });

/** One operation under the seed's two names for it (each naming the other as its alias). */
function underBothNames(
  first: readonly [path: string, operationId: string],
  second: readonly [path: string, operationId: string],
  make: (path: string, operationId: string, alias: string) => Operation,
): Operation[] {
  return [make(first[0], first[1], second[0]), make(second[0], second[1], first[0])];
}

function operations(): Operation[] {
  const checkinErrors: ErrorCode[] = ['NOT_IN_QUEUE', 'DEADLINE_MISSED', 'BANNED'];
  const enterDescription = (alias: string): string =>
    `Joins the FIFO queue (idempotent while queued) and answers like a check-in. Same handler as ${alias}. ` +
    'When nobody contributes and the queue is empty the answer is already ready.';
  const checkinDescription = (alias: string): string =>
    `Keeps the caller in the queue: call again before nextDeadline (the seed's schedule; every minCheckinIntervalMs near the head). ` +
    `The answer says ready when it is the caller's turn; contribution/start must follow within startWindowMs. Same handler as ${alias}.`;
  const turnErrors: ErrorCode[] = ['NOT_YOUR_TURN', 'NOT_IN_QUEUE', 'START_WINDOW_MISSED', 'DEADLINE_MISSED'];
  const transcriptHeaders = {
    'X-Sequence': headerRef('Sequence'),
    ETag: headerRef('ETag'),
    'X-Content-SHA256': headerRef('ContentSha256'),
    'Cache-Control': { schema: { type: 'string' } },
  };
  const notModified = withRequestId({ description: 'If-None-Match matched the ETag' });
  return [
    // health
    { method: 'get', path: '/healthz', operationId: 'healthz', summary: 'Liveness: the process is alive', tag: 'health', access: 'public', responses: { '200': ok('alive', ref('Health')) }, errors: [] },
    {
      method: 'get',
      path: '/readyz',
      operationId: 'readyz',
      summary: 'Readiness: Temporal and the object store answer',
      description: 'NOT_READY (503) with details.checks naming the failing dependency otherwise.',
      tag: 'health',
      access: 'public',
      responses: { '200': ok('ready', ref('Readiness')) },
      errors: ['NOT_READY'],
    },
    {
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics: process metrics, request durations by route template, error answers by code',
      tag: 'health',
      access: 'public',
      responses: {
        '200': withRequestId({ description: 'the Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } }),
      },
      errors: [],
    },
    {
      method: 'get',
      path: OPENAPI_PATH,
      operationId: 'openapi',
      summary: 'This OpenAPI document',
      tag: 'health',
      access: 'public',
      responses: { '200': ok('the OpenAPI 3.1 document', { type: 'object' }) },
      errors: [],
    },
    // auth
    {
      method: 'post',
      path: '/login',
      operationId: 'login',
      summary: 'Log in with the dev provider or Sign-In with Ethereum',
      description:
        'Counts against the login rate limit. GitHub login starts at GET /auth/github/start instead. A SIWE nonce logs in once, at any replica ' +
        '(LOGIN_REJECTED with details.reason SIWE_NONCE_REUSED after that).',
      tag: 'auth',
      access: 'public',
      requestBody: { required: true, content: json(ref('LoginRequest')) },
      responses: { '200': ok('a session token', ref('LoginResponse')) },
      errors: ['FORBIDDEN', 'LOGIN_REJECTED', 'UPSTREAM_UNAVAILABLE'],
      jsonBody: true,
    },
    {
      method: 'get',
      path: '/auth/siwe/nonce',
      operationId: 'siweNonce',
      summary: 'A signed nonce and the domain, URI and chain id a SIWE message must carry',
      tag: 'auth',
      access: 'public',
      responses: { '200': ok('the SIWE challenge', ref('SiweChallenge')) },
      errors: [],
    },
    {
      method: 'get',
      path: '/auth/github/start',
      operationId: 'githubStart',
      summary: "Redirects to GitHub's authorize page with a signed state (also set as a cookie)",
      tag: 'auth',
      access: 'public',
      responses: {
        '302': withRequestId({ description: 'to GitHub' }, { Location: { schema: { type: 'string', format: 'uri' } }, 'Set-Cookie': { schema: { type: 'string' } } }),
      },
      errors: ['FORBIDDEN'],
    },
    {
      method: 'get',
      path: '/auth/github/callback',
      operationId: 'githubCallback',
      summary: 'GitHub OAuth callback: code + state to a session token',
      description: 'Answers JSON, or redirects to auth.github.finishUrl#token=…&participantId=…&expiresAt=… when that is set. Counts against the login rate limit.',
      tag: 'auth',
      access: 'public',
      parameters: [
        { name: 'code', in: 'query', required: false, schema: { type: 'string', maxLength: 512 } },
        { name: 'state', in: 'query', required: false, schema: { type: 'string', maxLength: 512 } },
        { name: 'error', in: 'query', required: false, description: 'set by GitHub when the user denied the login', schema: { type: 'string' } },
      ],
      responses: {
        '200': ok('a session token', ref('LoginResponse')),
        '302': withRequestId({ description: 'to auth.github.finishUrl with the token in the fragment' }, { Location: { schema: { type: 'string', format: 'uri' } } }),
      },
      errors: ['FORBIDDEN', 'LOGIN_REJECTED', 'VALIDATION_FAILED', 'UPSTREAM_UNAVAILABLE'],
    },
    { method: 'get', path: '/auth/session', operationId: 'session', summary: "The caller's session", tag: 'auth', access: 'session', responses: { '200': ok('the session', ref('Session')) }, errors: [] },
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'sessionKeys',
      summary: 'The public keys that verify session tokens',
      tag: 'auth',
      access: 'public',
      responses: { '200': ok('a JWK set', ref('Jwks')) },
      errors: [],
    },
    // ceremony
    {
      method: 'get',
      path: '/ceremony/info',
      operationId: 'ceremonyInfo',
      summary: 'Ceremony id, sizes, timing and the receipt keys',
      description: 'The answer depends on ceremony.mode (its mode field tells which).',
      tag: 'ceremony',
      access: 'public',
      responses: {
        '200': ok('ceremony information', {
          oneOf: [ref('CeremonyInfo'), ref('RoundsCeremonyInfo')],
          discriminator: { propertyName: 'mode', mapping: { sequential: '#/components/schemas/CeremonyInfo', rounds: '#/components/schemas/RoundsCeremonyInfo' } },
        }),
      },
      errors: [],
    },
    {
      method: 'get',
      path: '/ceremony/status',
      operationId: 'ceremonyStatus',
      summary: 'Queue length, current turn, sequence and statistics',
      tag: 'ceremony',
      access: 'public',
      responses: { '200': ok('ceremony status (at most 250 ms old)', ref('CeremonyStatus')) },
      errors: [],
      temporal: true,
    },
    ...underBothNames(['/lobby/enter', 'lobbyEnter'], ['/queue/join', 'queueJoin'], (path, operationId, alias) => ({
        method: 'post',
        path,
        operationId,
        summary: 'Enter the lobby (join the queue)',
        description: enterDescription(alias),
        tag: 'lobby',
        access: 'session',
        responses: { '200': ok('the first check-in answer', ref('EnterAnswer')) },
        errors: ['BANNED', 'ALREADY_CONTRIBUTED', 'PENALTY_ACTIVE', 'CEREMONY_CLOSED', 'NOT_IN_QUEUE'],
        temporal: true,
      }),
    ),
    ...underBothNames(['/lobby/checkin', 'lobbyCheckin'], ['/queue/checkin', 'queueCheckin'], (path, operationId, alias) => ({
        method: 'post',
        path,
        operationId,
        summary: 'Check in',
        description: checkinDescription(alias),
        tag: 'lobby',
        access: 'session',
        responses: { '200': ok('position, expected start and the next deadline', ref('CheckinAnswer')) },
        errors: checkinErrors,
        temporal: true,
      }),
    ),
    {
      method: 'post',
      path: '/queue/leave',
      operationId: 'queueLeave',
      summary: 'Leave the queue',
      tag: 'lobby',
      access: 'session',
      responses: { '200': ok('the status after leaving', ref('LeaveAnswer')) },
      errors: ['NOT_IN_QUEUE'],
      temporal: true,
    },
    {
      method: 'get',
      path: '/participant',
      operationId: 'participant',
      summary: "The caller's participant record: status, strikes, penalties, receipts",
      tag: 'lobby',
      access: 'session',
      responses: { '200': ok('the participant', ref('ParticipantView')) },
      errors: ['UNKNOWN_IDENTITY', 'BAD_REQUEST'],
      temporal: true,
    },
    {
      method: 'post',
      path: '/contribution/start',
      operationId: 'contributionStart',
      summary: 'Start the turn: returns the current powers to contribute to',
      description: 'Only after a check-in answered ready, within startWindowMs. Retrying during the turn hands out the same powers. The compute deadline is in X-Compute-Deadline.',
      tag: 'contribution',
      access: 'session',
      responses: {
        '200': ok('the current powers (a BatchContribution without potPubkeys)', ref('BatchContribution'), {
          'X-Turn-Id': { schema: { type: 'string' } },
          'X-Sequence': headerRef('Sequence'),
          'X-Compute-Deadline': { description: 'upload before this instant', schema: { type: 'string', format: 'date-time' } },
          'X-Transcript-SHA256': { description: 'hash of the transcript these powers come from', schema: { type: 'string', pattern: SHA256 } },
        }),
      },
      errors: turnErrors,
      temporal: true,
      store: true,
    },
    {
      method: 'post',
      path: '/contribution/complete',
      operationId: 'contributionComplete',
      summary: 'Upload the contribution; answers after verification with a signed receipt',
      description:
        'The turn and the declared Content-Length (LENGTH_REQUIRED, PAYLOAD_TOO_LARGE) are checked before a byte is read; the body is then ' +
        'streamed to the store under api.maxUploadBytes, checked for shape and sizes, and verified. An upload the turn refuses is deleted. ' +
        'INVALID_CONTRIBUTION (422) names the failed check in details.check; the slot is lost.',
      tag: 'contribution',
      access: 'session',
      requestBody: { required: true, content: json(ref('BatchContribution')) },
      responses: { '200': ok('accepted', ref('CompleteAnswer')) },
      errors: [...turnErrors, 'LENGTH_REQUIRED', 'WRONG_CONTRIBUTION_SIZE', 'INVALID_CONTRIBUTION', 'NO_CONTRIBUTION_IN_PROGRESS', 'CONTRIBUTION_ALREADY_COMPLETED'],
      temporal: true,
      store: true,
      jsonBody: true,
    },
    {
      method: 'post',
      path: '/contribution/abort',
      operationId: 'contributionAbort',
      summary: 'Give up the turn',
      tag: 'contribution',
      access: 'session',
      responses: { '200': ok('the turn outcome', ref('AbortAnswer')) },
      errors: [...turnErrors, 'NO_CONTRIBUTION_IN_PROGRESS'],
      temporal: true,
    },
    // transcripts and receipts
    {
      method: 'get',
      path: '/transcript',
      operationId: 'transcript',
      summary: 'The current transcript',
      description: 'Sequential mode: the transcript after the latest accepted contribution. Rounds mode: the latest round\'s aggregated transcript (NOT_FOUND before the first round completes).',
      tag: 'transcript',
      access: 'public',
      responses: { '200': ok('the BatchTranscript', ref('BatchTranscript'), transcriptHeaders), '304': notModified },
      errors: ['NOT_FOUND'],
      temporal: true,
      store: true,
    },
    {
      method: 'get',
      path: '/transcript/:sequence',
      operationId: 'transcriptAt',
      summary: 'The transcript after a given number of contributions (0: the initial one)',
      tag: 'transcript',
      access: 'public',
      parameters: [pathParam('sequence', 'number of contributions', { type: 'string', pattern: '^\\d{1,12}$' })],
      responses: { '200': ok('the BatchTranscript (immutable)', ref('BatchTranscript'), transcriptHeaders), '304': notModified },
      errors: ['BAD_REQUEST', 'NOT_FOUND'],
      temporal: true,
      store: true,
    },
    {
      method: 'get',
      path: '/records',
      operationId: 'records',
      summary: 'Every record, oldest first, with its chain (the records ledger)',
      description:
        'Page N holds ledger entries N * pageSize onward; the last page grows. Each item carries the ledger entry as stored (its JSON text names the ' +
        'previous entry\'s key and the record\'s key, each records-ledger/ or records/ followed by the SHA-256 of the text) and the record as stored; ' +
        'ceremony verify checks every hash and link. Records: turn outcomes (accepted, rejected with the failed check, cancelled, timed out), ' +
        'participants leaving, missing a check-in, banned and unbanned, round events (drops with what they removed, replacements, restarts), ' +
        'admin actions with their reason, refused verdicts.',
      tag: 'transcript',
      access: 'public',
      parameters: [{ name: 'page', in: 'query', required: false, description: 'page number, from 0 (default 0)', schema: { type: 'string', pattern: '^\\d{1,9}$' } }],
      responses: {
        '200': ok(
          'one page of records',
          obj(
            {
              page: int('this page', { minimum: 0 }),
              pages: int('number of pages', { minimum: 1 }),
              pageSize: int('entries per full page', { minimum: 1 }),
              count: int('records in the ledger', { minimum: 0 }),
              items: array(
                obj(
                  {
                    index: int('position in the ledger, from 0', { minimum: 0 }),
                    kind: str('the kind of record'),
                    entryKey: str('records-ledger/<sha256 of entry>'),
                    entry: str('the ledger entry as stored: JSON text {index, previous, record, kind}'),
                    recordKey: str('records/<sha256 of record>'),
                    record: str('the record as stored: JSON text'),
                  },
                  ['index', 'kind', 'entryKey', 'entry', 'recordKey', 'record'],
                ),
              ),
            },
            ['page', 'pages', 'pageSize', 'count', 'items'],
          ),
        ),
      },
      errors: ['BAD_REQUEST', 'NOT_FOUND'],
      temporal: true,
      store: true,
    },
    {
      method: 'get',
      path: '/receipts/:id',
      operationId: 'receipt',
      summary: 'A receipt by id, of either mode',
      tag: 'transcript',
      access: 'public',
      parameters: [pathParam('id', 'receipt id', { type: 'string', pattern: SHA256 })],
      responses: {
        '200': ok('the signed receipt (immutable)', ref('Receipt'), { ETag: headerRef('ETag'), 'X-Content-SHA256': headerRef('ContentSha256') }),
        '304': notModified,
      },
      errors: ['NOT_FOUND'],
      store: true,
    },
    // admin
    {
      method: 'get',
      path: '/admin/status',
      operationId: 'adminStatus',
      summary: 'The full queue snapshot',
      tag: 'admin',
      access: 'admin',
      responses: { '200': ok('the snapshot', ref('QueueSnapshot')) },
      errors: [],
      temporal: true,
    },
    {
      method: 'get',
      path: '/admin/participant/:identity',
      operationId: 'adminParticipant',
      summary: "A participant's record by identity",
      tag: 'admin',
      access: 'admin',
      parameters: [pathParam('identity', 'identity string, URL-encoded', { type: 'string' })],
      responses: { '200': ok('the participant', ref('ParticipantView')) },
      errors: ['NOT_IN_QUEUE'],
      temporal: true,
    },
    adminAction('/admin/ban', 'adminBan', 'Ban an identity: it leaves the queue and loses a running turn', 'AdminTarget', ref('BanAnswer')),
    adminAction('/admin/unban', 'adminUnban', 'Lift a ban', 'AdminTarget', ref('BanAnswer')),
    adminAction('/admin/close', 'adminClose', 'Close the lobby: no new joins; the queue drains', 'CloseRequest', ref('PhaseView'), ['PHASE_CONFLICT']),
    adminAction('/admin/beacon', 'adminAnnounceBeacon', 'Announce the beacon (its source and iterations) before its value exists; it cannot change', 'BeaconAnnouncement', ref('PhaseView'), ['PHASE_CONFLICT']),
    adminAction('/admin/finalise', 'adminFinalise', 'Finalise: the beacon contribution, computed, verified and appended; the ceremony is final', 'FinaliseRequest', ref('PhaseView'), ['PHASE_CONFLICT']),
    adminAction('/admin/drop', 'adminDrop', 'Drop a participant from the queue or its running turn, without a ban', 'AdminTarget', ref('DropAnswer'), ['UNKNOWN_IDENTITY', 'NOT_IN_QUEUE']),
    ...roundsOperations(),
  ];
}

/** An administrator's POST with a JSON body; logged and recorded in the store. */
function adminAction(path: string, operationId: string, summary: string, body: string, answer: Schema, errors: ErrorCode[] = []): Operation {
  return {
    method: 'post',
    path,
    operationId,
    summary,
    description: 'Logged, and recorded in the store.',
    tag: 'admin',
    access: 'admin',
    requestBody: { required: true, content: json(ref(body)) },
    responses: { '200': ok('done', answer) },
    errors,
    temporal: true,
    store: true,
    jsonBody: true,
  };
}

/** The rounds-mode routes (api/rounds/routes.ts), served instead of the sequential ones when ceremony.mode is rounds. */
function roundsOperations(): Operation[] {
  // NO_ROUND_RUNNING: no round is running (or it ended under the call).
  const roundErrors: ErrorCode[] = ['NO_ROUND_RUNNING'];
  const rounds = (op: Omit<Operation, 'tag'> & { tag?: string }): Operation => ({ tag: 'rounds', temporal: true, ...op });
  const sha = pathParam('sha', 'SHA-256 of the object', { type: 'string', pattern: SHA256 });
  const objectAnswer = (description: string, schema: Schema): Record<string, Schema> => ({ '200': ok(description, schema, { ETag: headerRef('ETag') }) });
  return [
    rounds({
      method: 'get',
      path: '/rounds/status',
      operationId: 'roundsStatus',
      summary: 'The ceremony: queue, bans, completed rounds and the running round',
      access: 'public',
      responses: { '200': ok('ceremony status (at most 250 ms old) and the running round', ref('RoundsStatus')) },
      errors: roundErrors,
    }),
    rounds({
      method: 'post',
      path: '/rounds/join',
      operationId: 'roundsJoin',
      summary: 'Join the round queue (idempotent while queued)',
      access: 'session',
      responses: { '200': ok('the place in the queue', ref('RoundsJoinAnswer')) },
      errors: ['BANNED', 'ALREADY_CONTRIBUTED', 'ALREADY_IN_QUEUE', 'CEREMONY_CLOSED', 'ROLE_CONFLICT'],
    }),
    rounds({
      method: 'post',
      path: '/rounds/leave',
      operationId: 'roundsLeave',
      summary: 'Leave the round queue',
      access: 'session',
      responses: { '200': ok('whether the caller was queued', obj({ left: { type: 'boolean' } }, ['left'])) },
      errors: [],
    }),
    rounds({
      method: 'get',
      path: '/rounds/instructions',
      operationId: 'roundsInstructions',
      summary: "The caller's place: queue position, or its chunks in the running round and their state",
      access: 'session',
      responses: { '200': ok('the instructions', ref('RoundsInstructions')) },
      errors: roundErrors,
    }),
    rounds({
      method: 'post',
      path: '/rounds/heartbeat',
      operationId: 'roundsHeartbeat',
      summary: 'Stay in the running round',
      description:
        'A contributor without a heartbeat for ceremony.rounds.heartbeatTimeoutMs is dropped. Only contributors of the running round, ' +
        'configured verifiers and replacements reach the round; anyone else gets NOT_IN_ROUND and sends no signal.',
      access: 'session',
      responses: { '200': ok('noted', obj({ ok: { const: true } }, ['ok'])) },
      errors: [...roundErrors, 'NOT_IN_ROUND'],
    }),
    rounds({
      method: 'post',
      path: '/rounds/tasks/next',
      operationId: 'roundsNextTask',
      summary: 'The next task: a chunk to contribute to, or wait, done, dropped, not in the round',
      description: 'Holds the chunk it hands out; identities in ceremony.rounds.replacementIdentities stand by as replacements.',
      access: 'session',
      responses: { '200': ok('the task', ref('TaskAnswer')) },
      errors: [],
    }),
    rounds({
      method: 'get',
      path: '/rounds/objects/:prefix/:sha',
      operationId: 'roundsObject',
      summary: 'A public object by key: chunk states, uploads (older flat layout), verifications, receipts, records, aggregates',
      access: 'public',
      parameters: [pathParam('prefix', 'key prefix', { type: 'string', enum: ['chunks', CHUNK_UPLOAD_PREFIX, 'verifications', 'receipts', 'records', 'aggregates'] }), sha],
      responses: objectAnswer('the stored JSON (a ChunkState under chunks/)', { type: 'object' }),
      errors: ['NOT_FOUND'],
      temporal: false,
      store: true,
    }),
    rounds({
      method: 'get',
      path: `/rounds/objects/${CHUNK_UPLOAD_PREFIX}/:submission/:sha`,
      operationId: 'roundsChunkUpload',
      summary: `A chunk upload by key (${CHUNK_UPLOAD_PREFIX}/<submission>/<sha256>)`,
      access: 'public',
      parameters: [pathParam('submission', 'submission id', { type: 'string', pattern: '^[0-9a-f]{32}$' }), sha],
      responses: objectAnswer('the uploaded contribution', ref('ChunkContribution')),
      errors: ['NOT_FOUND'],
      temporal: false,
      store: true,
    }),
    rounds({
      method: 'post',
      path: '/rounds/contribution/:chunk',
      operationId: 'roundsContribute',
      summary: 'Upload a contribution to the chunk of your task',
      description:
        'Contributors of the running round only (NOT_IN_ROUND otherwise), for the chunk their task holds (NOT_YOUR_TURN otherwise), ' +
        'with a Content-Length within api.maxUploadBytes (LENGTH_REQUIRED, PAYLOAD_TOO_LARGE): all checked before a byte of the body is read. A refused upload is deleted. ' +
        'The body is stored under api.maxUploadBytes and checked for shape (VALIDATION_FAILED or MALFORMED_JSON, details.check naming the check) and layout (WRONG_CONTRIBUTION_SIZE); ' +
        'it is then verified asynchronously (GET /rounds/instructions shows the result). STALE_TASK or ROUND_RESTARTING: ask for the next task.',
      access: 'session',
      parameters: [
        pathParam('chunk', 'chunk index', { type: 'string', pattern: '^\\d{1,5}$' }),
        { name: 'base', in: 'query', required: true, description: 'the baseStateKey of your task', schema: { type: 'string', pattern: '^(chunks|chunk-uploads(/[0-9a-f]{32})?)/[0-9a-f]{64}$' } },
      ],
      requestBody: { required: true, content: json(ref('ChunkContribution')) },
      responses: { '200': ok('stored; verification pending', ref('ChunkSubmitted')) },
      errors: [...roundErrors, 'BAD_REQUEST', 'LENGTH_REQUIRED', 'WRONG_CONTRIBUTION_SIZE', 'NOT_IN_ROUND', 'NOT_YOUR_TURN', 'STALE_TASK', 'ROUND_RESTARTING'],
      store: true,
      jsonBody: true,
    }),
    rounds({
      tag: 'verification',
      method: 'post',
      path: '/rounds/verifications/next',
      operationId: 'roundsNextVerification',
      summary: 'The next contribution to verify (ceremony.rounds.verification external)',
      access: 'verifier',
      responses: { '200': ok('the verification task', ref('VerificationTask')) },
      errors: [],
    }),
    rounds({
      tag: 'verification',
      method: 'post',
      path: '/rounds/verifications/:contributionId',
      operationId: 'roundsSubmitVerification',
      summary: 'Submit a signed verdict on a contribution leased to the caller',
      description:
        'An accepted verdict is stored (verifications/) and applied; NOT_YOUR_TURN when the lease expired or belongs to another verifier. ' +
        'A refused verdict is not kept as a verdict; the refusal is a record (records/, kind verdict-refused).',
      access: 'verifier',
      parameters: [pathParam('contributionId', 'contribution id from the verification task', { type: 'string', minLength: 1, maxLength: 200 })],
      requestBody: { required: true, content: json(ref('VerdictRequest')) },
      responses: { '200': ok('whether the verdict was applied', obj({ accepted: { type: 'boolean' } }, ['accepted'])) },
      errors: [...roundErrors, 'NOT_YOUR_TURN'],
      store: true,
      jsonBody: true,
    }),
    adminAction('/admin/rounds/restart', 'adminRoundsRestart', 'Restart the running round, keeping its contributors', 'RoundsRestartRequest', obj({ restarting: { const: true } }, ['restarting']), roundErrors),
    adminAction('/admin/rounds/drop', 'adminRoundsDrop', 'Drop a contributor or verifier from the running round, without a ban', 'AdminTarget', ref('DropAnswer'), [...roundErrors, 'NOT_IN_ROUND']),
    adminAction('/admin/rounds/ban', 'adminRoundsBan', 'Ban an identity: it leaves the queue and the running round', 'AdminTarget', ref('BanAnswer')),
    adminAction('/admin/rounds/unban', 'adminRoundsUnban', 'Lift a ban', 'AdminTarget', ref('BanAnswer')),
    adminAction('/admin/rounds/restore', 'adminRoundsRestore', 'Replace the ceremony with one started from a backup', 'RoundsRestoreRequest', obj({ restored: str('the backup key') }, ['restored']), ['NOT_FOUND']),
  ];
}

/** Koa's `/receipts/:id` as OpenAPI's `/receipts/{id}`. */
export function openApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Error responses by status; each distinct set of codes is a shared component (named by its codes). */
function errorResponses(codes: ErrorCode[], shared: Map<string, Schema>): Record<string, Schema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = httpStatusFor(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, Schema> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const list = (byStatus.get(status) ?? []).sort();
    const headers: Record<string, Schema> = list.includes('RATE_LIMITED') ? { 'Retry-After': headerRef('RetryAfter') } : {};
    const name = list.join('.');
    shared.set(
      name,
      withRequestId(
        {
          description: list.join(', '),
          content: json({ allOf: [ref('Error'), { type: 'object', properties: { code: { enum: list } } }] }),
        },
        headers,
      ),
    );
    out[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  return out;
}

function operationObject(op: Operation, exempt: ReadonlySet<string>, shared: Map<string, Schema>): Schema {
  const limited = !exempt.has(op.path);
  const codes: ErrorCode[] = [...op.errors, 'INTERNAL'];
  if (limited) codes.push('RATE_LIMITED');
  if (op.access !== 'public') codes.push(...sessionErrors);
  if (op.access === 'admin' || op.access === 'verifier') codes.push('FORBIDDEN');
  if (op.temporal === true) codes.push(...temporalErrors);
  if (op.store === true) codes.push('STORE_UNAVAILABLE');
  if (op.jsonBody === true) codes.push(...bodyErrors);
  const rateHeaders = limited ? { 'RateLimit-Policy': headerRef('RateLimitPolicy'), 'RateLimit-Remaining': headerRef('RateLimitRemaining') } : {};
  const success = Object.fromEntries(
    Object.entries(op.responses).map(([status, response]) => [status, { ...response, headers: { ...(response['headers'] as Schema | undefined), ...rateHeaders } }]),
  );
  const description = [
    op.description,
    op.access === 'admin' ? 'Administrators only (identities listed in auth.admins).' : undefined,
    op.access === 'verifier' ? 'Verifiers only (identities listed in ceremony.rounds.verifierIdentities).' : undefined,
    limited ? undefined : 'Not rate limited.',
  ]
    .filter((s): s is string => s !== undefined)
    .join(' ');
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(description === '' ? {} : { description }),
    tags: [op.tag],
    security: op.access === 'public' ? [] : [{ bearer: [] }],
    ...(op.parameters === undefined ? {} : { parameters: op.parameters }),
    ...(op.requestBody === undefined ? {} : { requestBody: op.requestBody }),
    responses: { ...success, ...errorResponses(codes, shared) },
  };
}

/** The OpenAPI 3.1 document of the whole HTTP API. */
export function openApiDocument(): object {
  const exempt = new Set(rateLimitConfigSchema.parse({}).exemptPaths);
  const paths: Record<string, Record<string, Schema>> = {};
  const shared = new Map<string, Schema>();
  for (const op of operations()) {
    const key = openApiPath(op.path);
    const item = (paths[key] ??= {});
    if (item[op.method] !== undefined) throw new Error(`duplicate operation ${op.method} ${key}`);
    item[op.method] = operationObject(op, exempt, shared);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ceremony coordinator API',
      version: API_VERSION,
      description:
        'Trusted-setup ceremony coordinator. The sequential participant API follows the Ethereum KZG ceremony (both name variants, lobby/* and queue/*, are served). ' +
        'Every error is JSON {code, message, details?} with a stable code (components.schemas.ErrorCode lists each code and its HTTP status); an unknown route is NOT_FOUND (404). ' +
        'Rate limits apply per client address and replica: login attempts, requests without a valid session, and requests with one (RATE_LIMITED, 429, with Retry-After). ' +
        'The sequential routes (lobby, queue, participant, contribution, transcript/{sequence}, admin) are served when ceremony.mode is sequential; ' +
        'the rounds-mode routes (/rounds/*, /admin/rounds/*) when it is rounds; the others (/transcript, /receipts/{id}, /ceremony/info, login, health) in both.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [
      { name: 'health', description: 'Probes and this document' },
      { name: 'auth', description: 'Login and session keys' },
      { name: 'ceremony', description: 'Ceremony information and status' },
      { name: 'lobby', description: 'Lobby and queue (lobby/* and queue/* are the same calls)' },
      { name: 'contribution', description: 'A turn: start, complete, abort' },
      { name: 'transcript', description: 'Transcripts and receipts' },
      { name: 'rounds', description: 'Rounds mode: round queue, tasks, chunk uploads, public objects' },
      { name: 'verification', description: 'Rounds mode: external verifiers' },
      { name: 'admin', description: 'Administrators (/admin/rounds/* in rounds mode)' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token from POST /login or the GitHub callback; keys at /.well-known/jwks.json' },
      },
      responses: Object.fromEntries([...shared.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      headers: {
        RequestId: { description: 'request id (echoes a well-formed X-Request-Id)', schema: { type: 'string' } },
        RetryAfter: { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
        RateLimitPolicy: { description: '<limit>;w=<window seconds> of the limit this request counted against', schema: { type: 'string' } },
        RateLimitRemaining: { description: 'requests left in the window', schema: { type: 'integer', minimum: 0 } },
        Sequence: { description: 'number of contributions in the transcript', schema: { type: 'integer', minimum: 0 } },
        ETag: { description: 'quoted SHA-256 of the content', schema: { type: 'string' } },
        ContentSha256: { description: 'SHA-256 of the content', schema: { type: 'string', pattern: SHA256 } },
      },
      schemas: schemas(),
    },
  };
}

/** The document as docs/openapi.json holds it. */
export function openApiJson(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

/** Serves GET /openapi.json. */
export function openApiRoutes(): Router {
  const router = new Router();
  const body = openApiJson();
  router.get(OPENAPI_PATH, (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}
