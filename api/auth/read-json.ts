// Reads a JSON request body with a size cap (api.maxJsonBytes). Uses ctx.request.body instead when a
// body parser mounted upstream has already read it.
import type { Context } from 'koa';
import { CeremonyError } from '../../common/errors.js';

export async function readJson(ctx: Context, maxBytes: number): Promise<unknown> {
  const parsed = (ctx.request as { body?: unknown }).body;
  if (parsed !== undefined) return parsed;
  if (!ctx.is('application/json')) {
    throw new CeremonyError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > maxBytes) throw new CeremonyError('PAYLOAD_TOO_LARGE', `body larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > maxBytes) throw new CeremonyError('PAYLOAD_TOO_LARGE', `body larger than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new CeremonyError('MALFORMED_JSON', 'the body is not valid JSON');
  }
}
