// validate(schema): the route's contract for its request body. The parsed body (jsonBody) is checked
// against the schema and put on ctx.state.body as the schema's output; VALIDATION_FAILED names each
// bad field.
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { CeremonyError } from '../../common/errors.js';

/** The message the API has always given for a body its schema refuses. */
export function validationMessage(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}

export function validate(schema: z.ZodType): Middleware {
  return async (ctx, next) => {
    const parsed = schema.safeParse(ctx.request.body);
    if (!parsed.success) throw new CeremonyError('VALIDATION_FAILED', validationMessage(parsed.error));
    ctx.state.body = parsed.data;
    await next();
  };
}

/** The body validate(schema) accepted, typed by the same schema. */
export function bodyOf<S extends z.ZodType>(ctx: { state: { body?: unknown } }, _schema: S): z.output<S> {
  return ctx.state.body as z.output<S>;
}
