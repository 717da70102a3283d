// The contributor's receipt file never overwrites one, and its attestation says who, what, where and
// the exact command that checks it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attestationText, jwsKeyId, receiptFileNames, shellWord, writeNewFile } from '../../cli/attestation.js';
import { Progress } from '../../cli/progress.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'attestation-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('saves to receipt-<n>.json, then receipt-<n>-2.json, ... and never overwrites', async () => {
  const base = path.join(dir, 'receipt-7.json');
  expect(await writeNewFile(receiptFileNames(base), 'first')).toBe(base);
  expect(await writeNewFile(receiptFileNames(base), 'second')).toBe(path.join(dir, 'receipt-7-2.json'));
  expect(await writeNewFile(receiptFileNames(base), 'third')).toBe(path.join(dir, 'receipt-7-3.json'));
  expect(await readFile(base, 'utf8')).toBe('first');
  const chosen = path.join(dir, 'mine.json');
  await writeFile(chosen, 'kept');
  await expect(writeNewFile([chosen], 'lost')).rejects.toThrow(/no free file name/);
  expect(await readFile(chosen, 'utf8')).toBe('kept');
});

it('names the identity, sequence, transcript hash and receipt id, and the verify command', () => {
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: '-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP', typ: 'x' })).toString('base64url');
  const kid = jwsKeyId(`${header}.e30.sig`);
  expect(kid).toBe('-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP');
  const text = attestationText({
    program: 'ceremony',
    url: 'https://ceremony.example.org',
    ceremonyId: 'kzg-1',
    identity: 'git|1234|@alice',
    sequence: 42,
    transcriptSha256: 'ab'.repeat(32),
    receiptId: 'cd'.repeat(32),
    keyFingerprint: kid,
    receiptFile: '/home/alice/receipt-42.json',
  });
  expect(text).toContain('identity:          git|1234|@alice');
  expect(text).toContain('contribution:      number 42');
  expect(text).toContain(`transcript sha256: ${'ab'.repeat(32)}`);
  expect(text).toContain(`receipt id:        ${'cd'.repeat(32)}`);
  expect(text).toContain(`curl -s https://ceremony.example.org/receipts/${'cd'.repeat(32)} > receipt-42.json`);
  expect(text).toContain(`ceremony verify --url https://ceremony.example.org --receipt receipt-42.json --key ${kid}`);
  expect(shellWord("it's")).toBe(`'it'\\''s'`);
});

/** A sink that keeps what is written: stderr as a pipe, or as a terminal. */
function sink(isTTY: boolean): { write: (text: string) => boolean; isTTY: boolean; text: () => string } {
  let text = '';
  return {
    isTTY,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}

it('off a terminal: a timestamped line at each tenth, and when a wait begins and ends', () => {
  const out = sink(false);
  const progress = new Progress('[contributor]', out);
  for (let done = 0; done <= 1000; done += 50) progress.update('upload the contribution', done, 1000, 'bytes');
  progress.wait('the coordinator is verifying');
  progress.say('accepted');
  const lines = out.text().trimEnd().split('\n');
  for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[contributor\] /);
  expect(lines.filter((l) => l.includes('upload the contribution'))).toHaveLength(11);
  expect(lines.at(-3)).toMatch(/the coordinator is verifying…$/);
  expect(lines.at(-2)).toMatch(/the coordinator is verifying: done after \d+\.\d s$/);
  expect(lines.at(-1)).toMatch(/\[contributor\] accepted$/);
});

it('on a terminal: one live line with a bar, ended by a newline when the work is done', () => {
  const out = sink(true);
  const progress = new Progress('', out);
  progress.update('contribute', 0, 10, 'points');
  progress.update('contribute', 10, 10, 'points');
  progress.finish();
  expect(out.text()).toContain('\r[------------------------] contribute: 0% (0 of 10 points)\x1b[K');
  expect(out.text()).toContain('\r[########################] contribute: 100% (10 of 10 points)\x1b[K\n');
  expect(out.text()).not.toMatch(/\d{4}-\d\d-\d\dT/);
});
