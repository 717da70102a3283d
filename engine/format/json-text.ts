// Bounded parsing of JSON text: size first, then syntax. Portable (Node and browsers).
import { InvalidInputError } from '../errors.js';
import type { InputLimits } from '../limits.js';

/** The UTF-8 length of a string without encoding it. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** Parses JSON text after checking its size; MALFORMED_JSON or FILE_TOO_LARGE on failure. */
export function parseJsonText(text: string, limits: InputLimits): unknown {
  const bytes = utf8ByteLength(text);
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
