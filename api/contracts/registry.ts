// The registry of named contract schemas: each becomes one component of the OpenAPI document
// (#/components/schemas/<id>), and every schema that uses it refers to it there.
import { z } from 'zod';

export const contracts = z.registry<{ id: string; description?: string }>();

const byId = new Map<string, z.ZodType>();

/** Registers a contract schema under its component name and returns it. */
export function named<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  if (byId.has(id)) throw new Error(`two contract schemas are named ${id}`);
  contracts.add(schema, description === undefined ? { id } : { id, description });
  byId.set(id, schema);
  return schema;
}

/** The contract schema registered under a component name (what a document's $ref names). */
export function contractNamed(id: string): z.ZodType | undefined {
  return byId.get(id);
}
