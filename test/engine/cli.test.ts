// bin/ceremony subcommands of the engine: flags, exit codes (0 ok, 1 invalid with
// one JSON line on stdout, 2 usage or I/O on stderr) and written files.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { newTranscript, parseBatchTranscript, serializeBatchTranscript } from '../../engine/index.js';
import { g1OutsideSubgroup } from './helpers.js';

const BIN = fileURLToPath(new URL('../../bin/ceremony', import.meta.url));

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ceremony(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: { ...process.env, CEREMONY_THREADS: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function jsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

const SECRETS = '0x111100,0x221100,0x331100,0x441100';
const FOUR_SIZES = '8:3,16:4,32:5,64:6';

describe('bin/ceremony engine commands', () => {
  let dir = '';
  const path = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engine-cli-'));
  });

  it('new-transcript writes the initial transcript; usage errors exit 2', async () => {
    const ok = await ceremony(['new-transcript', '--sizes', FOUR_SIZES, '--out', path('t0.json')]);
    expect(ok.code).toBe(0);
    const text = await readFile(path('t0.json'), 'utf8');
    expect(text).toBe(serializeBatchTranscript(newTranscript(parseBatchTranscript(text).transcripts)));
    for (const args of [
      ['--sizes', '8:3'],
      ['--out', path('x.json')],
      ['--sizes', '3:8', '--out', path('x.json')],
      ['--sizes', '8:3', '--out', path('x.json'), '--bogus'],
    ]) {
      const bad = await ceremony(['new-transcript', ...args]);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).not.toBe('');
    }
    const help = await ceremony(['new-transcript', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--sizes');
  });

  it('contribute with fixed secrets reproduces the pinned vector', async () => {
    const result = await ceremony(['contribute', '--in', path('t0.json'), '--out', path('c1.json'), '--secrets', SECRETS]);
    expect(result.code).toBe(0);
    const pinned = await readFile(new URL('./vectors/four-secrets-contribution.json', import.meta.url), 'utf8');
    expect(await readFile(path('c1.json'), 'utf8')).toBe(pinned);
    // stderr is no terminal here: progress comes as plain lines, each with a timestamp, from 0% to 100%.
    const progress = result.stderr.split('\n').filter((line) => line.includes('% ('));
    for (const line of progress) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z contribute \(every sub-ceremony\): \d{1,3}% \(\d+ of 138 points\)$/);
    expect(progress[0]).toContain(' 0% (0 of 138 points)');
    expect(progress.at(-1)).toContain(' 100% (138 of 138 points)');
    expect(result.stdout).toBe('');
  });

  it('contribute accepts a contribution file as input and random secrets', async () => {
    const result = await ceremony(['contribute', '--in', path('c1.json'), '--out', path('c-any.json'), '--entropy', 'dice: 4 2 6']);
    expect(result.code).toBe(0);
    expect(await readFile(path('c-any.json'), 'utf8')).toContain('"potPubkey"');
  });

  it('contribute: 1 for invalid input, 2 for usage and I/O errors', async () => {
    await writeFile(path('bad.json'), '{"transcripts": [');
    const invalid = await ceremony(['contribute', '--in', path('bad.json'), '--out', path('never.json')]);
    expect(invalid.code).toBe(1);
    expect(jsonLine(invalid.stdout)).toMatchObject({ valid: false, code: 'MALFORMED_JSON' });
    const wrongCount = await ceremony(['contribute', '--in', path('t0.json'), '--out', path('never.json'), '--secrets', '0x05,0x06']);
    expect(wrongCount.code).toBe(2);
    const badHex = await ceremony(['contribute', '--in', path('t0.json'), '--out', path('never.json'), '--secrets', 'zz,1,2,3']);
    expect(badHex.code).toBe(2);
    const missing = await ceremony(['contribute', '--in', path('missing.json'), '--out', path('never.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/ENOENT|no such file/);
    await expect(readFile(path('never.json'))).rejects.toThrow();
  });

  it('verify-contribution: 0 with {"valid":true}, 1 with the failing check', async () => {
    const ok = await ceremony(['verify-contribution', '--transcript', path('t0.json'), '--contribution', path('c1.json')]);
    expect(ok.code).toBe(0);
    expect(jsonLine(ok.stdout)).toMatchObject({ valid: true, subCeremonies: 4 });

    const tampered = JSON.parse(await readFile(path('c1.json'), 'utf8')) as { contributions: Array<{ powersOfTau: { G1Powers: string[] } }> };
    tampered.contributions[2]!.powersOfTau.G1Powers[7] = g1OutsideSubgroup();
    await writeFile(path('c-bad.json'), JSON.stringify(tampered));
    const bad = await ceremony(['verify-contribution', '--transcript', path('t0.json'), '--contribution', path('c-bad.json')]);
    expect(bad.code).toBe(1);
    expect(jsonLine(bad.stdout)).toMatchObject({ valid: false, code: 'NOT_IN_SUBGROUP', subCeremony: 2, pointIndex: 7, input: 'contribution' });

    tampered.contributions[2]!.powersOfTau.G1Powers[7] = 'not hex';
    await writeFile(path('c-hex.json'), JSON.stringify(tampered));
    const hex = await ceremony(['verify-contribution', '--transcript', path('t0.json'), '--contribution', path('c-hex.json')]);
    expect(hex.code).toBe(1);
    expect(jsonLine(hex.stdout)).toMatchObject({ valid: false, code: 'BAD_HEX' });

    await writeFile(path('garbage.json'), 'garbage');
    const malformed = await ceremony(['verify-contribution', '--transcript', path('garbage.json'), '--contribution', path('c1.json')]);
    expect(malformed.code).toBe(1);
    expect(jsonLine(malformed.stdout)).toMatchObject({ valid: false, code: 'MALFORMED_JSON', input: 'transcript' });

    const usage = await ceremony(['verify-contribution', '--transcript', path('t0.json')]);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
  });

  it('apply writes the extended transcript atomically; verify-transcript accepts it', async () => {
    const ok = await ceremony(['apply', '--transcript', path('t0.json'), '--contribution', path('c1.json'), '--out', path('t1.json'), '--participant-id', 'git|1|@alice']);
    expect(ok.code).toBe(0);
    const pinned = await readFile(new URL('./vectors/four-secrets-transcript.json', import.meta.url), 'utf8');
    const written = parseBatchTranscript(await readFile(path('t1.json'), 'utf8'));
    expect(written.participantIds).toEqual(['', 'git|1|@alice']);
    written.participantIds[1] = '';
    expect(serializeBatchTranscript(written)).toBe(pinned);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const verified = await ceremony(['verify-transcript', path('t1.json')]);
    expect(verified.code).toBe(0);
    expect(jsonLine(verified.stdout)).toMatchObject({ valid: true, contributions: 1, sizes: FOUR_SIZES });
    // Its progress: timestamped lines for the chain of contributions and for the current powers.
    expect(verified.stderr).toMatch(/^\S+Z verify the chain of contributions: 100% /m);
    expect(verified.stderr).toMatch(/^\S+Z verify the current powers: 100% /m);
  });

  it('apply: 1 for an invalid contribution (nothing written), 2 for a bad participant id', async () => {
    const invalid = await ceremony(['apply', '--transcript', path('t0.json'), '--contribution', path('c-bad.json'), '--out', path('t-never.json')]);
    expect(invalid.code).toBe(1);
    expect(jsonLine(invalid.stdout)).toMatchObject({ valid: false, code: 'NOT_IN_SUBGROUP' });
    const stale = await ceremony(['apply', '--transcript', path('t1.json'), '--contribution', path('c1.json'), '--out', path('t-never.json')]);
    expect(stale.code).toBe(1);
    expect(jsonLine(stale.stdout)).toMatchObject({ valid: false, code: 'TAU_UPDATE_MISMATCH' });
    const badId = await ceremony(['apply', '--transcript', path('t0.json'), '--contribution', path('c1.json'), '--out', path('t-never.json'), '--participant-id', 'alice']);
    expect(badId.code).toBe(2);
    await expect(readFile(path('t-never.json'))).rejects.toThrow();
  });

  it('verify-transcript: 1 for a tampered transcript, 2 without a file', async () => {
    const transcript = JSON.parse(await readFile(path('t1.json'), 'utf8')) as { transcripts: Array<{ witness: { potPubkeys: string[] } }> };
    transcript.transcripts[3]!.witness.potPubkeys[1] = transcript.transcripts[2]!.witness.potPubkeys[1]!;
    await writeFile(path('t-bad.json'), JSON.stringify(transcript, null, 2));
    const bad = await ceremony(['verify-transcript', path('t-bad.json')]);
    expect(bad.code).toBe(1);
    expect(jsonLine(bad.stdout)).toMatchObject({ valid: false, code: 'RUNNING_PRODUCT_MISMATCH', subCeremony: 3, pointIndex: 1 });
    expect((await ceremony(['verify-transcript'])).code).toBe(2);
    expect((await ceremony(['verify-transcript', path('nope.json')])).code).toBe(2);
  });

  it('runs on worker threads and on the noble backend too', async () => {
    const workers = await ceremony(['verify-transcript', path('t1.json')], { CEREMONY_THREADS: '2' });
    expect(workers.code).toBe(0);
    const noble = await ceremony(['verify-contribution', '--transcript', path('t0.json'), '--contribution', path('c1.json')], { CEREMONY_BACKEND: 'noble' });
    expect(noble.code).toBe(0);
    expect(jsonLine(noble.stdout)).toMatchObject({ valid: true });
    const badBackend = await ceremony(['verify-transcript', path('t1.json')], { CEREMONY_BACKEND: 'gpu' });
    expect(badBackend.code).toBe(2);
  });

  it('lists the commands in --help', async () => {
    const help = await ceremony(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['new-transcript', 'contribute', 'verify-contribution', 'apply', 'verify-transcript']) expect(help.stdout).toContain(name);
  });
});
