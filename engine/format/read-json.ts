// Bounded reading of a JSON file (Node only; the parsing itself is json-text.ts, which browsers share).
import { stat, readFile } from 'node:fs/promises';
import { InvalidInputError } from '../errors.js';
import type { InputLimits } from '../limits.js';

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
