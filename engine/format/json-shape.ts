// Small structural checks on parsed JSON values, each failing with INVALID_SCHEMA
// and the JSON path of the offending value.
import { InvalidInputError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

export function schemaError(path: string, message: string): InvalidInputError {
  return new InvalidInputError('INVALID_SCHEMA', `${path}: ${message}`, { path });
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw schemaError(path, `expected an object, found ${describe(value)}`);
  }
  return value as JsonObject;
}

export function expectArray(value: unknown, path: string, maxLength: number): unknown[] {
  if (!Array.isArray(value)) throw schemaError(path, `expected an array, found ${describe(value)}`);
  if (value.length > maxLength) {
    throw new InvalidInputError('LIMIT_EXCEEDED', `${path}: ${value.length} items exceed the limit ${maxLength}`, { path });
  }
  return value;
}

export function expectInteger(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw schemaError(path, `expected an integer, found ${describe(value)}`);
  }
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw schemaError(path, `expected a string, found ${describe(value)}`);
  return value;
}

/** Rejects keys outside `allowed` and missing `required` keys. */
export function expectKeys(obj: JsonObject, path: string, required: readonly string[], optional: readonly string[] = []): void {
  for (const key of required) {
    if (!Object.hasOwn(obj, key)) throw schemaError(path, `missing required property '${key}'`);
  }
  for (const key of Object.keys(obj)) {
    if (!required.includes(key) && !optional.includes(key)) throw schemaError(path, `unexpected property '${key}'`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
