// An answer mapped to its contract's view by the contract's schema: the declared fields only (any
// other field of the source is left out), checked. A source that does not fit its view is the
// coordinator's bug, not the caller's: it is logged and answered INTERNAL.
import type { z } from 'zod';

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

export function viewOf<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ContractViolation(`${what} does not fit its contract: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
