// Session tokens: JWTs signed with the configured key (EdDSA by default, or ES256), verified against
// exactly that algorithm, issuer and audience. A token carries who (sub), how they logged in
// (provider), a random session id (sid), and `adm: true` for configured admins.
import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import type { Config } from '../../common/config.js';
import { CeremonyError } from '../../common/errors.js';
import { loadSessionKeys, type SessionKeys } from '../../identity/keys.js';
import { SessionSchema } from '../contracts/auth.js';

/** A verified session, as GET /auth/session answers it (participantId equals the identity; expiresAt in ms). */
export type Session = z.infer<typeof SessionSchema>;
export type Provider = Session['provider'];

export interface SessionTokens {
  issue(identity: string, provider: Provider): Promise<{ token: string; session: Session }>;
  verify(token: string): Promise<Session>;
  /** The public verification keys, as a JWK set. */
  jwks(): { keys: JWK[] };
  /** The signing keys (the login providers derive their HMAC secret from them). */
  readonly keys: SessionKeys;
}

export interface SessionTokenOptions {
  /** Clock in milliseconds; Date.now by default (tests move it). */
  now?: () => number;
  /** Use these keys instead of loading them from the configuration. */
  keys?: SessionKeys;
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(512),
  provider: SessionSchema.shape.provider,
  sid: z.string().min(1).max(128),
  exp: z.number().int(),
  iat: z.number().int(),
  adm: z.literal(true).optional(),
});

/** Leeway for clock differences between replicas when checking iat/nbf/exp. */
const CLOCK_TOLERANCE_SECONDS = 5;

function toCeremonyError(err: unknown): CeremonyError {
  if (err instanceof CeremonyError) return err;
  if (err instanceof joseErrors.JWTExpired) return new CeremonyError('TOKEN_EXPIRED', 'session token has expired; log in again');
  if (err instanceof joseErrors.JOSEError) return new CeremonyError('INVALID_TOKEN', `invalid session token (${err.code})`);
  return new CeremonyError('INVALID_TOKEN', 'invalid session token');
}

export async function createSessionTokens(cfg: Config, options: SessionTokenOptions = {}): Promise<SessionTokens> {
  const keys = options.keys ?? (await loadSessionKeys(cfg));
  const now = options.now ?? Date.now;
  const { issuer, audience, sessionTtlSeconds } = cfg.auth;
  const admins = new Set(cfg.auth.admins);

  return {
    keys,
    async issue(identity, provider) {
      const iat = Math.floor(now() / 1000);
      const exp = iat + sessionTtlSeconds;
      const sessionId = randomBytes(16).toString('base64url');
      const admin = admins.has(identity);
      const token = await new SignJWT({ provider, sid: sessionId, ...(admin ? { adm: true } : {}) })
        .setProtectedHeader({ alg: keys.alg, kid: keys.kid, typ: 'JWT' })
        .setSubject(identity)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(keys.privateKey);
      const session: Session = { participantId: identity, identity, provider, sessionId, admin, expiresAt: exp * 1000 };
      return { token, session };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys.publicKey, {
          algorithms: [keys.alg],
          issuer,
          audience,
          currentDate: new Date(now()),
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'exp', 'iat', 'sid'],
        });
        const parsed = claimsSchema.safeParse(payload);
        if (!parsed.success) throw new CeremonyError('INVALID_TOKEN', 'session token claims are malformed');
        const claims = parsed.data;
        return {
          participantId: claims.sub,
          identity: claims.sub,
          provider: claims.provider,
          sessionId: claims.sid,
          // Both the claim and the current configuration must say so: removing an admin takes effect at once.
          admin: claims.adm === true && admins.has(claims.sub),
          expiresAt: claims.exp * 1000,
        };
      } catch (err) {
        throw toCeremonyError(err);
      }
    },
    jwks() {
      return { keys: [{ ...keys.publicJwk }] };
    },
  };
}
