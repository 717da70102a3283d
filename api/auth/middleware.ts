// Authentication middleware. `authenticate` reads `Authorization: Bearer <jwt>`: a valid token puts the
// Session on the context; an invalid one is remembered, not thrown, so the rate limiter that runs next
// still counts the request as unauthenticated. Routes that need a session mount `requireSession()`,
// which answers 401 with the token's own code (INVALID_TOKEN, TOKEN_EXPIRED) or UNAUTHENTICATED.
// Public routes treat a request with a bad token as anonymous.
import type { Middleware } from 'koa';
import { CeremonyError } from '../../common/errors.js';
import type { ApiState } from '../http/state.js';
import type { Session, SessionTokens } from './session.js';

/** The verified session of this request, if any. */
export function sessionOf(ctx: { state: ApiState }): Session | undefined {
  return ctx.state.session;
}

/** Why the request's token was refused, if it carried one that was. */
export function authErrorOf(ctx: { state: ApiState }): CeremonyError | undefined {
  return ctx.state.authError;
}

/** The session, or the 401 this request deserves. */
export function mustSession(ctx: { state: ApiState }): Session {
  const session = sessionOf(ctx);
  if (session !== undefined) return session;
  throw authErrorOf(ctx) ?? new CeremonyError('UNAUTHENTICATED', 'log in first: this call needs Authorization: Bearer <token>');
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/-]+=*)[ \t]*$/i;
const MAX_TOKEN_LENGTH = 8192;

export function authenticate(tokens: SessionTokens): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (header !== '') {
      const match = BEARER.exec(header);
      const token = match?.[1];
      if (token === undefined || token.length > MAX_TOKEN_LENGTH) {
        ctx.state.authError = new CeremonyError('INVALID_TOKEN', 'Authorization must be "Bearer <token>"');
      } else {
        try {
          ctx.state.session = await tokens.verify(token);
        } catch (err) {
          ctx.state.authError = err instanceof CeremonyError ? err : new CeremonyError('INVALID_TOKEN', 'invalid session token');
        }
      }
    }
    await next();
  };
}

export function requireSession(): Middleware {
  return async (ctx, next) => {
    mustSession(ctx);
    await next();
  };
}

export function requireAdmin(): Middleware {
  return async (ctx, next) => {
    if (!mustSession(ctx).admin) throw new CeremonyError('FORBIDDEN', 'this call is for ceremony administrators');
    await next();
  };
}
