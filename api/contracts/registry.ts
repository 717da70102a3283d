// The registry of named contract schemas: each becomes one component of the OpenAPI document
// (#/components/schemas/<id>), and every schema that uses it refers to it there.
import { z } from 'zod';

export const contracts = z.registry<{ id: string; description?: string }>();

/** Registers a contract schema under its component name and returns it. */
export function named<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  contracts.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}
