// What a contributor keeps and says after its contribution: the receipt, saved to a file that never
// overwrites another, and an attestation a person can post, with the command that checks it.
import { open } from 'node:fs/promises';
import path from 'node:path';

/** The file names a receipt may be saved to, in order: `receipt-<n>.json`, then `receipt-<n>-2.json`, ... */
export function receiptFileNames(base: string): Generator<string> {
  const ext = path.extname(base);
  const stem = base.slice(0, base.length - ext.length);
  return (function* () {
    yield base;
    for (let i = 2; ; i += 1) yield `${stem}-${i}${ext}`;
  })();
}

/**
 * Writes `text` to the first of `names` that does not exist yet (created exclusively: nothing is ever
 * overwritten) and gives the name it was written to. At most `tries` names are tried.
 */
export async function writeNewFile(names: Iterable<string>, text: string, tries = 1000): Promise<string> {
  let left = tries;
  for (const name of names) {
    if (left-- <= 0) break;
    let handle;
    try {
      handle = await open(name, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
    return name;
  }
  throw new Error(`no free file name for the receipt (tried ${tries})`);
}

/** The key id (the published key's fingerprint) in a compact JWS's protected header; '' if none. */
export function jwsKeyId(jws: string): string {
  try {
    const header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : '';
  } catch {
    return '';
  }
}

/** `word` as one shell word: as it is when that is safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export interface Attestation {
  /** The program the commands are spelled with, e.g. 'ceremony'. */
  program: string;
  url: string;
  ceremonyId: string;
  identity: string;
  sequence: number;
  transcriptSha256: string;
  receiptId: string;
  keyFingerprint: string;
  receiptFile: string;
}

/** A rounds ceremony's: the round and the aggregated parameters in place of the sequence and transcript. */
export type RoundAttestation = Omit<Attestation, 'sequence' | 'transcriptSha256'> & { round: number; aggregatedSha256: string };

/** The text to post: who contributed what, where, and how anyone checks it. */
export function attestationText(a: Attestation | RoundAttestation): string {
  const file = path.basename(a.receiptFile);
  const receiptUrl = new URL(`/receipts/${a.receiptId}`, a.url).href;
  const verify = [a.program, 'verify', '--url', a.url, '--receipt', file, '--key', a.keyFingerprint].map(shellWord).join(' ');
  const what =
    'round' in a
      ? [`  round:             ${a.round}`, `  parameters sha256: ${a.aggregatedSha256} (the round's aggregate, with my chunks)`]
      : [`  contribution:      number ${a.sequence}`, `  transcript sha256: ${a.transcriptSha256} (after my contribution)`];
  return [
    `I contributed to the trusted-setup ceremony ${a.ceremonyId} at ${a.url}.`,
    `  identity:          ${a.identity}`,
    ...what,
    `  receipt id:        ${a.receiptId}`,
    `  signed by key:     ${a.keyFingerprint}`,
    'Check it (the receipt is public):',
    `  curl -s ${shellWord(receiptUrl)} > ${shellWord(file)}`,
    `  ${verify}`,
  ].join('\n');
}
