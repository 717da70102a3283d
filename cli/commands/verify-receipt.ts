// `ceremony verify-receipt RECEIPT_FILE (--keys FILE | --url URL)`: checks a receipt of either mode
// (a sequential turn's or a round's; `receiptKind` says which) offline against
// the coordinator's published key (a JWK set, or the /ceremony/info document that holds one).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { verifyReceipt } from '../../evidence/receipt.js';

function keysOf(doc: unknown): JWK[] | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as { keys?: unknown; receiptKeys?: { keys?: unknown } };
  const keys = Array.isArray(d.keys) ? d.keys : Array.isArray(d.receiptKeys?.keys) ? d.receiptKeys.keys : undefined;
  return keys as JWK[] | undefined;
}

function fail(code: string, message: string): number {
  process.stdout.write(`${JSON.stringify({ valid: false, code, message })}\n`);
  return 1;
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { keys: { type: 'string' }, url: { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`ceremony verify-receipt: ${(err as Error).message}\n`);
    return 2;
  }
  const [file] = parsed.positionals;
  const { keys: keysFile, url } = parsed.values;
  if (file === undefined || (keysFile === undefined) === (url === undefined)) {
    process.stderr.write('usage: ceremony verify-receipt RECEIPT_FILE (--keys JWKS_FILE | --url COORDINATOR_URL)\n');
    return 2;
  }
  let receiptText: string;
  let keyDoc: unknown;
  try {
    receiptText = await readFile(file, 'utf8');
    keyDoc = keysFile !== undefined ? JSON.parse(await readFile(keysFile, 'utf8')) : await (await fetch(new URL('/ceremony/info', url))).json();
  } catch (err) {
    process.stderr.write(`ceremony verify-receipt: ${(err as Error).message}\n`);
    return 2;
  }
  const keys = keysOf(keyDoc);
  if (keys === undefined) {
    process.stderr.write('ceremony verify-receipt: the key document holds no JWK set\n');
    return 2;
  }
  let receipt: unknown;
  try {
    receipt = JSON.parse(receiptText);
  } catch {
    return fail('MALFORMED_JSON', 'the receipt is not valid JSON');
  }
  const result = await verifyReceipt(receipt, keys);
  if (!result.valid) return fail(result.code, result.message);
  process.stdout.write(`${JSON.stringify({ valid: true, ...result.payload, receiptKind: result.kind })}\n`);
  return 0;
}
