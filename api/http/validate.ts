// validate(schema): the route's contract for its request body; validateParams and validateQuery, for
// its path parameters and query string. Each part is checked against its zod schema at the edge, and
// put on ctx.state (body, params, query) as the schema's output, so a handler reads only what its
// contract let through. A body the schema refuses is 400 VALIDATION_FAILED; a path parameter or query
// the route refuses answers the route's code (BAD_REQUEST, or NOT_FOUND for an id that cannot name
// anything). The message names each bad field.
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { CeremonyError, type ErrorCode } from '../../common/errors.js';

/** The message the API has always given for a body its schema refuses. */
export function validationMessage(error: z.ZodError, whole = '(body)'): string {
  return error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
}

export function validate(schema: z.ZodType): Middleware {
  return async (ctx, next) => {
    const parsed = schema.safeParse(ctx.request.body);
    if (!parsed.success) throw new CeremonyError('VALIDATION_FAILED', validationMessage(parsed.error));
    ctx.state.body = parsed.data;
    await next();
  };
}

/** The route's path parameters against their contract; `refusal` is the answer to ones it refuses. */
export function validateParams(schema: z.ZodType, refusal: ErrorCode = 'BAD_REQUEST'): Middleware {
  return async (ctx, next) => {
    const parsed = schema.safeParse(ctx.params);
    if (!parsed.success) throw new CeremonyError(refusal, validationMessage(parsed.error, '(path)'));
    ctx.state.params = parsed.data;
    await next();
  };
}

/** The route's query string against its contract (a parameter given twice is refused: it is no string). */
export function validateQuery(schema: z.ZodType, refusal: ErrorCode = 'BAD_REQUEST'): Middleware {
  return async (ctx, next) => {
    const parsed = schema.safeParse(ctx.query);
    if (!parsed.success) throw new CeremonyError(refusal, validationMessage(parsed.error, '(query)'));
    ctx.state.query = parsed.data;
    await next();
  };
}

/** The body validate(schema) accepted, typed by the same schema. */
export function bodyOf<S extends z.ZodType>(ctx: { state: { body?: unknown } }, _schema: S): z.output<S> {
  return ctx.state.body as z.output<S>;
}

/** The path parameters validateParams(schema) accepted, typed by the same schema. */
export function paramsOf<S extends z.ZodType>(ctx: { state: { params?: unknown } }, _schema: S): z.output<S> {
  return ctx.state.params as z.output<S>;
}

/** The query validateQuery(schema) accepted, typed by the same schema. */
export function queryOf<S extends z.ZodType>(ctx: { state: { query?: unknown } }, _schema: S): z.output<S> {
  return ctx.state.query as z.output<S>;
}
