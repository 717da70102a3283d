// `ceremony verify-receipt RECEIPT_FILE (--keys FILE | --url URL)`: checks a receipt of either mode
// (a sequential turn's or a round's; `receiptKind` says which) offline against
// the coordinator's published key (a JWK set, or the /ceremony/info document that holds one).
import { readFile } from 'node:fs/promises';
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { JWK } from 'jose';
import { verifyReceipt } from '../../evidence/receipt.js';
import { exitCode, helpFooter } from '../kit.js';

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

function declare() {
  return new Command('verify-receipt')
    .summary('verify a receipt offline against the published key')
    .description(
      "Checks a receipt's signature (a sequential turn's or a round's) against the coordinator's published " +
        "key: a JWK set file, or the coordinator's /ceremony/info. Give exactly one of --keys and --url. " +
        'Prints one JSON line: {"valid":true,...,"receiptKind"} or {"valid":false,"code","message"}. ' +
        "To check it against a key you pin, and its place in the transcript, use 'verify'.",
    )
    .argument('<receipt-file>', 'the receipt (JSON, as the coordinator served it)')
    .addOption(new Option('--keys <jwks-file>', 'a JWK set, or a saved /ceremony/info').conflicts('url'))
    .option('--url <url>', 'the coordinator, whose /ceremony/info holds the keys');
}

export function verifyReceiptCommand(): CommandUnknownOpts {
  return helpFooter(
    declare().action(exitCode((file, options) => run(file, options))),
    ['verify-receipt receipt-1.json --url https://ceremony.example.org', 'verify-receipt receipt-1.json --keys info.json'],
    ['Exit codes: 0 valid, 1 invalid, 2 usage, I/O or network.'],
  );
}

async function run(file: string, options: ReturnType<ReturnType<typeof declare>['opts']>): Promise<number> {
  const { keys: keysFile, url } = options;
  if (keysFile === undefined && url === undefined) {
    process.stderr.write("ceremony verify-receipt: give --keys JWKS_FILE or --url COORDINATOR_URL\nrun 'ceremony verify-receipt --help' for usage\n");
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
