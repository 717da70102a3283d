// `ceremony verify`: the public's one command. It verifies a ceremony's transcript in full and, for
// each receipt given, its signature against the key the person pinned and the contribution's place in
// the transcript. Either mode; online (--url) or offline (--transcript, --key with a key file).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ENGINE_ENVIRONMENT, EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, withCliEngine } from '../../engine/cli/command-support.js';
import { InvalidInputError } from '../../engine/errors.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { formatSizes } from '../../engine/format/sizes.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { checkBeacon, checkPinnedReceipt, checkRecordChain, findInclusion, pinnedKeys, type EvidenceFailure, type PublishedBeacon, type ServedRecord } from '../../evidence/verify-ceremony.js';
import { beaconPubkeys } from '../../engine/beacon/beacon.js';
import { Progress } from '../progress.js';
import { collect, exitCode, helpFooter } from '../kit.js';

type Stage = 'transcript' | 'beacon' | 'records' | 'receipt' | 'inclusion';

interface Report {
  valid: boolean;
  transcript?: { sha256: string; contributions: number; sizes: string };
  records?: { count: number };
  beacon?: { sequence: number; source: string; iterations: number; digestHex: string };
  receipts: Array<{ file: string; kind: string; identity: string; keyFingerprint: string; position: number; attributed: boolean }>;
  failure?: { stage: Stage; file?: string; code: string; message: string };
}

function keysIn(doc: unknown): JWK[] {
  if (typeof doc !== 'object' || doc === null) return [];
  const d = doc as { keys?: unknown; receiptKeys?: { keys?: unknown }; kty?: unknown };
  if (Array.isArray(d.keys)) return d.keys as JWK[];
  if (Array.isArray(d.receiptKeys?.keys)) return d.receiptKeys.keys as JWK[];
  return typeof d.kty === 'string' ? [doc as JWK] : [];
}

/** The transcript from the coordinator, read under the same bound as a transcript file. */
async function downloadTranscript(url: URL, progress: Progress): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  if (!res.ok || res.body === null) throw new UsageError(`${url.href} answered ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > DEFAULT_LIMITS.maxFileBytes) throw new InvalidInputError('FILE_TOO_LARGE', `${url.href} is larger than the limit ${DEFAULT_LIMITS.maxFileBytes}`);
    chunks.push(Buffer.from(chunk));
    if (Number.isSafeInteger(declared) && declared > 0) progress.update('download the transcript', size, declared, 'bytes');
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function fetchJson(url: URL): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new UsageError(`${url.href} answered ${res.status}`);
  return res.json();
}

function print(report: Report, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const lines: string[] = [];
  if (report.transcript !== undefined) {
    lines.push(`transcript: valid, ${report.transcript.contributions} contributions (${report.transcript.sizes}), sha256 ${report.transcript.sha256}`);
  }
  if (report.beacon !== undefined) {
    lines.push(
      `beacon: contribution ${report.beacon.sequence} is the one derived from the beacon announced as '${report.beacon.source}' (${report.beacon.iterations} iterations); the ceremony is final`,
    );
  }
  if (report.records !== undefined) lines.push(`records: ${report.records.count}, every one chained to the one before it`);
  for (const r of report.receipts) {
    lines.push(
      `receipt ${r.file}: valid ${r.kind} receipt of ${r.identity}, signed by the pinned key ${r.keyFingerprint}; its contribution is number ${r.position} in the transcript` +
        (r.attributed ? '' : ' (the transcript names no identity there)'),
    );
  }
  if (report.failure !== undefined) {
    lines.push(`INVALID (${report.failure.stage}${report.failure.file === undefined ? '' : ` ${report.failure.file}`}): ${report.failure.code}: ${report.failure.message}`);
  } else {
    lines.push('VALID');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function declare() {
  return new Command('verify')
    .summary('verify a ceremony: the transcript, receipts against a pinned key, inclusion')
    .description(
      [
        'Verifies a ceremony anyone can check:',
        "- the transcript, in full (every contribution's chain link, every point, the current powers);",
        "- each receipt's signature, against the coordinator key YOU pin with --key: its fingerprint (printed by 'ceremony start', published at /ceremony/info as receiptKeyFingerprints) or a file holding the key (a JWK, a JWK set, or a saved /ceremony/info); give both to pin a fingerprint offline. A mismatch is an error, with or without receipts;",
        "- that each receipt's contribution is in the transcript, where the receipt says;",
        '- with --records (online), every record (GET /records): each chained to the one before it, each the text its hash names;',
        '- online, once the ceremony is final, that its last contribution is the one the beacon value derives with the iterations the coordinator published as announced (the announcement itself is a timestamped record in the ledger).',
        'Give exactly one of --url and --transcript.',
      ].join('\n'),
    )
    .option('--url <url>', 'the coordinator: download its transcript (and, with --key, its published keys)')
    .option('--transcript <file>', 'a transcript file, offline')
    .option('--receipt <file>', 'a receipt to check (repeat for more)', collect)
    .option('--key <fingerprint-or-file>', "the coordinator's receipt key you pin: its fingerprint, or a file holding it (repeat for more)", collect)
    .option('--records', 'online: check the chain of every record too')
    .option('--json', 'print one JSON report instead of a summary');
}

type VerifyOptions = ReturnType<ReturnType<typeof declare>['opts']>;

export function verifyCommand(): CommandUnknownOpts {
  return helpFooter(
    declare().action(exitCode((options) => run(options))),
    [
      'verify --url https://ceremony.example.org',
      'verify --url https://ceremony.example.org --receipt receipt.json --key 3xQ...Zs',
      'verify --transcript transcript.json --receipt receipt.json --key info.json --json',
    ],
    ['Prints a summary (--json: one JSON report); progress on stderr.', 'Exit codes: 0 valid, 1 invalid, 2 usage or network.', ...ENGINE_ENVIRONMENT],
  );
}

async function run(values: VerifyOptions): Promise<number> {
  const json = values.json === true;
  try {
    const receiptFiles = values.receipt ?? [];
    const keyArgs = values.key ?? [];
    if ((values.url === undefined) === (values.transcript === undefined)) throw new UsageError('give exactly one of --url URL and --transcript FILE');
    if (receiptFiles.length > 0 && keyArgs.length === 0) {
      throw new UsageError("pin the coordinator's receipt key with --key (its fingerprint is printed by 'ceremony start' and published at /ceremony/info)");
    }
    const base = values.url === undefined ? undefined : new URL(values.url);

    // What is pinned: the fingerprints given, else those of the keys in the files given. The key
    // material: those files' keys, and online the keys the coordinator publishes; only material with
    // a pinned fingerprint is ever used.
    const fingerprints: string[] = [];
    const fileKeys: JWK[] = [];
    for (const arg of keyArgs) {
      if (existsSync(arg)) {
        const keys = keysIn(JSON.parse(await readFile(arg, 'utf8')));
        if (keys.length === 0) throw new UsageError(`${arg} holds no JWK`);
        fileKeys.push(...keys);
      } else if (/^[A-Za-z0-9_-]{43}$/.test(arg)) {
        fingerprints.push(arg);
      } else {
        throw new UsageError(`--key ${arg} is neither a file nor a key fingerprint (43 base64url characters)`);
      }
    }
    if (base === undefined && keyArgs.length > 0 && fileKeys.length === 0) {
      throw new UsageError('offline, give the key itself too (--key FILE, with or without --key FINGERPRINT): a fingerprint alone cannot check a signature');
    }
    const pins = fingerprints.length > 0 ? fingerprints : await Promise.all(fileKeys.map((k) => calculateJwkThumbprint(k)));
    const published = base !== undefined && keyArgs.length > 0 ? keysIn(await fetchJson(new URL('/ceremony/info', base))) : [];

    const report: Report = { valid: false, receipts: [] };
    const fail = (failure: Report['failure']): number => {
      report.failure = failure;
      print(report, json);
      return EXIT_INVALID;
    };

    // A pinned key the coordinator does not use is an error, with or without receipts to check.
    const pinned = keyArgs.length === 0 ? { keys: [] } : await pinnedKeys([...fileKeys, ...published], pins);
    if ('valid' in pinned) return fail({ stage: 'receipt', code: pinned.code, message: pinned.message });

    // Online, a final ceremony's beacon is recomputed from its value and the announced iterations.
    const beacon = base === undefined ? undefined : ((await fetchJson(new URL('/ceremony/info', base))) as { phase?: { phase?: string; beacon?: PublishedBeacon } }).phase;
    const finalBeacon = beacon?.phase === 'final' && beacon.beacon?.final !== undefined ? beacon.beacon : undefined;
    let beaconFailure: EvidenceFailure | undefined;
    let transcript;
    try {
      const progress = new Progress('');
      const transcriptText = base === undefined ? await readBoundedText(values.transcript as string, DEFAULT_LIMITS) : await downloadTranscript(new URL('/transcript', base), progress);
      transcript = parseBatchTranscript(transcriptText);
      const parsed = transcript;
      const summary = await withCliEngine(async (engine) => {
        const verified = await verifyTranscript(engine, parsed);
        if (finalBeacon !== undefined) {
          const expected = beaconPubkeys(engine, { beaconValueHex: finalBeacon.final.beaconValueHex, iterations: finalBeacon.announcement.iterations }, parsed.transcripts.length);
          const checked = checkBeacon(parsed, finalBeacon, expected);
          if ('valid' in checked) beaconFailure = checked;
          else report.beacon = { sequence: checked.sequence, source: finalBeacon.announcement.source, iterations: finalBeacon.announcement.iterations, digestHex: finalBeacon.final.digestHex };
        }
        return verified;
      }, progress);
      if (beaconFailure !== undefined) return fail({ stage: 'beacon', code: beaconFailure.code, message: beaconFailure.message });
      report.transcript = { sha256: createHash('sha256').update(transcriptText).digest('hex'), contributions: summary.contributions, sizes: formatSizes(summary.sizes) };
    } catch (err) {
      if (err instanceof InvalidInputError) return fail({ stage: 'transcript', code: err.code, message: err.message });
      throw err;
    }

    // With --records (online): every record, in the ledger's order, chained. Opt-in: a long ceremony
    // has many pages, and each is a request within the coordinator's rate limits.
    if (base !== undefined && values.records === true) {
      let cursor: { index: number; previous: string | null } = { index: 0, previous: null };
      for (let page = 0, pages = 1; page < pages; page += 1) {
        const served = (await fetchJson(new URL(`/records?page=${page}`, base))) as { pages: number; count: number; items: ServedRecord[] };
        pages = served.pages;
        const checked = checkRecordChain(served.items, cursor);
        if ('valid' in checked) return fail({ stage: 'records', code: checked.code, message: checked.message });
        cursor = { index: cursor.index + served.items.length, previous: checked.last };
        if (page === pages - 1 && cursor.index !== served.count) {
          return fail({ stage: 'records', code: 'RECORD_CHAIN_BROKEN', message: `the ledger counts ${served.count} records, its pages hold ${cursor.index}` });
        }
      }
      report.records = { count: cursor.index };
    }

    for (const file of receiptFiles) {
      let receipt: unknown;
      try {
        receipt = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        if (err instanceof SyntaxError) return fail({ stage: 'receipt', file, code: 'MALFORMED_RECEIPT', message: 'the receipt is not valid JSON' });
        throw err;
      }
      const checked = await checkPinnedReceipt(receipt, pinned.keys);
      if (!checked.valid) return fail({ stage: 'receipt', file, code: checked.code, message: checked.message });
      const included = findInclusion(transcript, checked);
      if ('valid' in included) return fail({ stage: 'inclusion', file, code: (included as EvidenceFailure).code, message: (included as EvidenceFailure).message });
      const kid = (JSON.parse(Buffer.from(String((receipt as { jws: string }).jws.split('.')[0]), 'base64url').toString('utf8')) as { kid?: string }).kid ?? '';
      report.receipts.push({ file, kind: checked.kind, identity: checked.payload.identity, keyFingerprint: kid, position: included.position, attributed: included.attributed });
    }
    report.valid = true;
    print(report, json);
    return EXIT_OK;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`ceremony verify: ${message}\n`);
    if (err instanceof UsageError) process.stderr.write("run 'ceremony verify --help' for usage\n");
    return EXIT_USAGE;
  }
}
