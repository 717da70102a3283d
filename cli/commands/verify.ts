// `ceremony verify`: the public's one command. It verifies a ceremony's transcript in full and, for
// each receipt given, its signature against the key the person pinned and the contribution's place in
// the transcript. Either mode; online (--url) or offline (--transcript, --key with a key file).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, UsageError, withCliEngine } from '../../engine/cli/command-support.js';
import { CeremonyError as EngineError } from '../../engine/errors.js';
import { parseBatchTranscript } from '../../engine/format/parse-transcript.js';
import { readBoundedText } from '../../engine/format/read-json.js';
import { formatSizes } from '../../engine/format/sizes.js';
import { DEFAULT_LIMITS } from '../../engine/limits.js';
import { verifyTranscript } from '../../engine/ops/verify-transcript.js';
import { checkPinnedReceipt, findInclusion, pinnedKeys, type EvidenceFailure } from '../../evidence/verify-ceremony.js';

const USAGE = `usage: ceremony verify (--url URL | --transcript FILE) [--receipt FILE ...] [--key FINGERPRINT|KEY_FILE] [--json]

Verifies a ceremony anyone can check:
  - the transcript, in full (every contribution's chain link, every point, the current powers);
  - each receipt's signature, against the coordinator key YOU pin with --key: its fingerprint
    (printed by 'ceremony start', published at /ceremony/info as receiptKeyFingerprints) or a file
    holding the key (a JWK, a JWK set, or a saved /ceremony/info); a mismatch is an error;
  - that each receipt's contribution is in the transcript, where the receipt says.

Examples:
  ceremony verify --url https://ceremony.example.org
  ceremony verify --url https://ceremony.example.org --receipt receipt.json --key 3xQ...Zs
  ceremony verify --transcript transcript.json --receipt receipt.json --key info.json --json

Prints a summary (--json: one JSON report). Exit codes: 0 valid, 1 invalid, 2 usage or network.
`;

type Stage = 'transcript' | 'receipt' | 'inclusion';

interface Report {
  valid: boolean;
  transcript?: { sha256: string; contributions: number; sizes: string };
  receipts: Array<{ file: string; kind: string; identity: string; keyFingerprint: string; position: number }>;
  failure?: { stage: Stage; file?: string; code: string; message: string };
}

function keysIn(doc: unknown): JWK[] {
  if (typeof doc !== 'object' || doc === null) return [];
  const d = doc as { keys?: unknown; receiptKeys?: { keys?: unknown }; kty?: unknown };
  if (Array.isArray(d.keys)) return d.keys as JWK[];
  if (Array.isArray(d.receiptKeys?.keys)) return d.receiptKeys.keys as JWK[];
  return typeof d.kty === 'string' ? [doc as JWK] : [];
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
  for (const r of report.receipts) {
    lines.push(`receipt ${r.file}: valid ${r.kind} receipt of ${r.identity}, signed by the pinned key ${r.keyFingerprint}; its contribution is number ${r.position} in the transcript`);
  }
  if (report.failure !== undefined) {
    lines.push(`INVALID (${report.failure.stage}${report.failure.file === undefined ? '' : ` ${report.failure.file}`}): ${report.failure.code}: ${report.failure.message}`);
  } else {
    lines.push('VALID');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function run(argv: string[]): Promise<number> {
  let json = false;
  try {
    const { values } = parseCommandArgs(argv, {
      url: { type: 'string' },
      transcript: { type: 'string' },
      receipt: { type: 'string', multiple: true },
      key: { type: 'string' },
      json: { type: 'boolean' },
    });
    json = values.json === true;
    if (values.help === true) {
      process.stdout.write(USAGE);
      return EXIT_OK;
    }
    const receiptFiles = values.receipt ?? [];
    if ((values.url === undefined) === (values.transcript === undefined)) throw new UsageError('give exactly one of --url URL and --transcript FILE');
    if (receiptFiles.length > 0 && values.key === undefined) {
      throw new UsageError("pin the coordinator's receipt key with --key (its fingerprint is printed by 'ceremony start' and published at /ceremony/info)");
    }
    const base = values.url === undefined ? undefined : new URL(values.url);

    // The pinned key(s): fingerprints to accept, and the keys themselves when a file holds them.
    let pins: string[] = [];
    let published: JWK[] = [];
    if (values.key !== undefined) {
      if (existsSync(values.key)) {
        published = keysIn(JSON.parse(await readFile(values.key, 'utf8')));
        if (published.length === 0) throw new UsageError(`${values.key} holds no JWK`);
        pins = await Promise.all(published.map((k) => calculateJwkThumbprint(k)));
      } else {
        if (!/^[A-Za-z0-9_-]{43}$/.test(values.key)) throw new UsageError(`--key ${values.key} is neither a file nor a key fingerprint (43 base64url characters)`);
        if (base === undefined) throw new UsageError('offline, --key must be a file holding the key: a fingerprint alone cannot check a signature');
        pins = [values.key];
      }
      if (base !== undefined) published = keysIn(await fetchJson(new URL('/ceremony/info', base)));
    }

    const transcriptText = base === undefined ? await readBoundedText(values.transcript as string, DEFAULT_LIMITS) : await (async () => {
      const res = await fetch(new URL('/transcript', base), { signal: AbortSignal.timeout(300_000) });
      if (!res.ok) throw new UsageError(`${new URL('/transcript', base).href} answered ${res.status}`);
      return res.text();
    })();
    const report: Report = { valid: false, receipts: [] };
    const fail = (failure: Report['failure']): number => {
      report.failure = failure;
      print(report, json);
      return EXIT_INVALID;
    };

    let transcript;
    try {
      transcript = parseBatchTranscript(transcriptText);
      const parsed = transcript;
      const summary = await withCliEngine((engine) => verifyTranscript(engine, parsed));
      report.transcript = { sha256: createHash('sha256').update(transcriptText).digest('hex'), contributions: summary.contributions, sizes: formatSizes(summary.sizes) };
    } catch (err) {
      if (err instanceof EngineError) return fail({ stage: 'transcript', code: err.code, message: err.message });
      throw err;
    }

    if (receiptFiles.length > 0) {
      const pinned = await pinnedKeys(published, pins);
      if ('valid' in pinned) return fail({ stage: 'receipt', code: pinned.code, message: pinned.message });
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
        report.receipts.push({ file, kind: checked.kind, identity: checked.payload.identity, keyFingerprint: kid, position: included.position });
      }
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
