// Bounded reading of JSON text: size first, then syntax.
import { stat, readFile } from 'node:fs/promises';
import { InvalidInputError } from '../errors.js';
import type { InputLimits } from '../limits.js';

/** Parses JSON text after checking its size; MALFORMED_JSON or FILE_TOO_LARGE on failure. */
export function parseJsonText(text: string, limits: InputLimits): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxFileBytes) {
    throw new InvalidInputError('FILE_TOO_LARGE', `input is ${bytes} bytes, more than the limit ${limits.maxFileBytes}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidInputError('MALFORMED_JSON', `input is not valid JSON: ${reason}`);
  }
}

/**
 * Reads a UTF-8 text file no larger than the limit. FILE_TOO_LARGE is an InvalidInputError
 * (the input is invalid); I/O failures are thrown as they come (usage/I/O errors).
 */
export async function readBoundedText(path: string, limits: InputLimits): Promise<string> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  if (info.size > limits.maxFileBytes) {
    throw new InvalidInputError('FILE_TOO_LARGE', `${path} is ${info.size} bytes, more than the limit ${limits.maxFileBytes}`);
  }
  const buffer = await readFile(path);
  if (buffer.byteLength > limits.maxFileBytes) {
    throw new InvalidInputError('FILE_TOO_LARGE', `${path} grew past the limit ${limits.maxFileBytes} while being read`);
  }
  return buffer.toString('utf8');
}
