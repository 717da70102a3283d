// What the API's middleware puts on ctx.state, typed once for every handler (Koa's own recipe:
// augmenting DefaultState). Each field has one writer: requestContext (requestId), requestRoute
// (route), authenticate (session, authError), validate (body, params, query).
import type { CeremonyError } from '../../common/errors.js';
import type { Session } from '../auth/session.js';

export interface ApiState {
  /** The request's id (X-Request-Id). */
  requestId?: string;
  /** The route the request reaches as its router declares it; null when none does (looked up once). */
  route?: string | null;
  /** The verified session, when the request carried a valid token. */
  session?: Session;
  /** Why the request's token was refused, when it carried one that was. */
  authError?: CeremonyError;
  /** The request body as the route's schema parsed it (validate). */
  body?: unknown;
  /** The path parameters as the route's schema parsed them (validateParams). */
  params?: unknown;
  /** The query as the route's schema parsed it (validateQuery). */
  query?: unknown;
}

declare module 'koa' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DefaultState extends ApiState {}
}
