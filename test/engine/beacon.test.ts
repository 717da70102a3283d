// Beacon finalisation: the secrets follow the documented byte encoding
// (recomputed here through node:crypto and noble, an independent path), the
// beacon contribution verifies and applies, a wrong beacon value, iteration
// count or record is rejected, and the CLI keeps its exit-code contract.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  applyVerifiedContribution,
  contribute,
  createEngine,
  CURVE_ORDER,
  newTranscript,
  parseBatchContribution,
  serializeBatchContribution,
  serializeBatchTranscript,
  verifyContribution,
  verifyTranscript,
  type BatchTranscript,
  type Engine,
} from '../../engine/index.js';
import {
  beaconContribution,
  beaconDigest,
  beaconSubSecrets,
  deriveBeaconSecret,
  parseBeaconRecord,
  serializeBeaconRecord,
  verifyBeaconContribution,
  type BeaconRecord,
} from '../../engine/beacon/index.js';
import { contributeChunk, initialChunkStates, verifyChunkContribution } from '../../engine/chunked/index.js';
import { beaconCommand } from '../../cli/commands/beacon.js';
import { buildProgram, runProgram } from '../../cli/kit.js';

/** `ceremony beacon ARGS`, in this process. */
const runBeaconCommand = (args: string[]): Promise<number> => runProgram(buildProgram({ name: 'ceremony', version: '0.0.0', description: '' }, [beaconCommand]), ['beacon', ...args]);

const ITERATIONS = 2 ** 10;
const VALUE = '0x' + 'c0ffee'.repeat(10) + '01';
const SIZES = [
  { numG1Powers: 8, numG2Powers: 3 },
  { numG1Powers: 12, numG2Powers: 4 },
];

let engine: Engine;
let transcript: BatchTranscript;

beforeAll(async () => {
  engine = await createEngine({ backend: 'fast', threads: 0 });
  transcript = newTranscript(SIZES);
  for (const seed of [3n, 5n]) {
    const contribution = await contribute(engine, transcript, { secrets: SIZES.map((_, j) => seed * 100n + BigInt(j) + 2n) });
    transcript = await applyVerifiedContribution(await verifyContribution(engine, transcript, contribution));
  }
});
afterAll(async () => {
  await engine.close();
});

/** The documented derivation, written again with node:crypto. */
function independentDigest(valueHex: string, iterations: number): Buffer {
  let digest = Buffer.from(valueHex.slice(2), 'hex');
  for (let i = 0; i < iterations; i++) digest = createHash('sha256').update(digest).digest();
  return digest;
}

function independentSubSecret(digest: Buffer, j: number): bigint {
  const index = Buffer.alloc(4);
  index.writeUInt32BE(j);
  return (
    BigInt(
      '0x' +
        createHash('sha256')
          .update(Buffer.concat([digest, index]))
          .digest('hex'),
    ) % CURVE_ORDER
  );
}

const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const hexOf = (bytes: Uint8Array): string => '0x' + Buffer.from(bytes).toString('hex');

describe('beacon secrets', () => {
  it('follow the documented byte encoding', () => {
    const digest = independentDigest(VALUE, ITERATIONS);
    expect(hexOf(beaconDigest(VALUE, ITERATIONS))).toBe(hexOf(digest));
    expect(deriveBeaconSecret(VALUE, ITERATIONS)).toBe(BigInt('0x' + digest.toString('hex')) % CURVE_ORDER);
    expect(beaconSubSecrets(digest, 3)).toEqual([0, 1, 2].map((j) => independentSubSecret(digest, j)));
    // One iteration is one SHA-256 of the raw bytes (no prefix, no length, no tag).
    expect(hexOf(beaconDigest('0x00', 1))).toBe('0x6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  it('depend on the value and on the iteration count', () => {
    const base = deriveBeaconSecret(VALUE, ITERATIONS);
    expect(deriveBeaconSecret(VALUE, ITERATIONS + 1)).not.toBe(base);
    expect(deriveBeaconSecret(VALUE.slice(0, -2) + '02', ITERATIONS)).not.toBe(base);
  });

  it('refuse malformed values and iteration counts', () => {
    expect(() => beaconDigest('0xABCD', 1)).toThrow(expect.objectContaining({ code: 'BAD_HEX' }));
    expect(() => beaconDigest('0x', 1)).toThrow(expect.objectContaining({ code: 'BAD_HEX' }));
    expect(() => beaconDigest('0x' + '00'.repeat(1025), 1)).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
    expect(() => beaconDigest(VALUE, 0)).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
    expect(() => beaconDigest(VALUE, 2 ** 28 + 1)).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });
});

describe('beacon contribution (KZG format)', () => {
  let record: BeaconRecord;
  let contributionText: string;

  beforeAll(async () => {
    const result = await beaconContribution(engine, transcript, { beaconValueHex: VALUE, iterations: ITERATIONS });
    record = result.record;
    contributionText = serializeBatchContribution(result.contribution);
  });

  it('is recomputed by an independent path (node:crypto + noble)', () => {
    const contribution = parseBatchContribution(contributionText);
    const digest = independentDigest(VALUE, ITERATIONS);
    expect(record.digestHex).toBe(hexOf(digest));
    SIZES.forEach((size, j) => {
      const x = independentSubSecret(digest, j);
      expect(record.secretsHex?.[j]).toBe('0x' + x.toString(16).padStart(64, '0'));
      const sub = contribution.contributions[j];
      expect(sub?.potPubkey).toBe(hexOf(G2.BASE.multiply(x).toBytes(true)));
      expect(record.potPubkeys?.[j]).toBe(sub?.potPubkey);
      const previous = transcript.transcripts[j]?.powersOfTau;
      for (const i of [0, 1, size.numG1Powers - 1]) {
        const before = G1.fromBytes(Buffer.from((previous?.g1Powers[i] as string).slice(2), 'hex'));
        const factor = x ** BigInt(i) % CURVE_ORDER;
        expect(sub?.powersOfTau.g1Powers[i]).toBe(hexOf((factor === 1n ? before : before.multiply(factor)).toBytes(true)));
      }
      const lastG2 = size.numG2Powers - 1;
      const beforeG2 = G2.fromBytes(Buffer.from((previous?.g2Powers[lastG2] as string).slice(2), 'hex'));
      expect(sub?.powersOfTau.g2Powers[lastG2]).toBe(hexOf(beforeG2.multiply(x ** BigInt(lastG2) % CURVE_ORDER).toBytes(true)));
    });
  });

  it('verifies against its record (with and without recomputing the powers) and applies', async () => {
    const contribution = parseBatchContribution(contributionText);
    const minimal = { beaconValueHex: VALUE, iterations: ITERATIONS };
    await expect(verifyBeaconContribution(engine, transcript, contribution, minimal)).resolves.toBeDefined();
    const verified = await verifyBeaconContribution(engine, transcript, contribution, record, { recomputePowers: true });
    const final = await applyVerifiedContribution(verified);
    await expect(verifyTranscript(engine, final)).resolves.toMatchObject({ valid: true, contributions: 3 });
  });

  it('a wrong beacon value or iteration count is rejected', async () => {
    const contribution = parseBatchContribution(contributionText);
    const wrongValue = { beaconValueHex: VALUE.slice(0, -2) + '02', iterations: ITERATIONS };
    await expect(verifyBeaconContribution(engine, transcript, contribution, wrongValue)).rejects.toMatchObject({
      code: 'BEACON_MISMATCH',
      subCeremony: 0,
      input: 'contribution',
    });
    await expect(verifyBeaconContribution(engine, transcript, contribution, { beaconValueHex: VALUE, iterations: ITERATIONS - 1 })).rejects.toMatchObject({
      code: 'BEACON_MISMATCH',
    });
  });

  it('a record whose derived fields do not follow from its value is rejected', async () => {
    const contribution = parseBatchContribution(contributionText);
    const digest = { ...record, digestHex: '0x' + '00'.repeat(32) };
    await expect(verifyBeaconContribution(engine, transcript, contribution, digest)).rejects.toMatchObject({ code: 'BEACON_MISMATCH', input: 'input', path: '$.digestHex' });
    const secrets = { ...record, secretsHex: [record.secretsHex?.[1] as string, record.secretsHex?.[0] as string] };
    await expect(verifyBeaconContribution(engine, transcript, contribution, secrets)).rejects.toMatchObject({ code: 'BEACON_MISMATCH', path: '$.secretsHex[0]' });
  });

  it('an ordinary contribution is not a beacon contribution; a tampered beacon contribution fails the engine checks', async () => {
    const ordinary = await contribute(engine, transcript, { secrets: [7n, 9n] });
    await expect(verifyBeaconContribution(engine, transcript, ordinary, record)).rejects.toMatchObject({ code: 'BEACON_MISMATCH' });
    const tampered = parseBatchContribution(contributionText);
    const powers = tampered.contributions[1]?.powersOfTau.g1Powers as string[];
    [powers[6], powers[7]] = [powers[7] as string, powers[6] as string];
    await expect(verifyBeaconContribution(engine, transcript, tampered, record)).rejects.toMatchObject({ code: 'G1_POWERS_NOT_CONSECUTIVE', subCeremony: 1 });
  });

  it('the record round-trips and is checked when parsed', () => {
    const text = serializeBeaconRecord(record);
    expect(serializeBeaconRecord(parseBeaconRecord(text))).toBe(text);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['beaconValueHex', 'iterations', 'digestHex', 'secretsHex', 'potPubkeys']);
    expect(() => parseBeaconRecord('{')).toThrow(expect.objectContaining({ code: 'MALFORMED_JSON' }));
    expect(() => parseBeaconRecord(JSON.stringify({ beaconValueHex: VALUE }))).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
    expect(() => parseBeaconRecord(JSON.stringify({ beaconValueHex: VALUE, iterations: 1, secret: '0x01' }))).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
    expect(() => parseBeaconRecord(JSON.stringify({ beaconValueHex: VALUE, iterations: 1, digestHex: '0x1' }))).toThrow(expect.objectContaining({ code: 'BAD_HEX' }));
  });
});

describe('beacon on the chunked format', () => {
  it('one beacon secret for every chunk: each chunk verifies with the same expected pubkey', async () => {
    const secret = deriveBeaconSecret(VALUE, ITERATIONS);
    const states = initialChunkStates({ numG1Powers: 10, numG2Powers: 3 }, 3);
    const pubkey = hexOf(G2.BASE.multiply(secret).toBytes(true));
    for (const state of states) {
      const contribution = await contributeChunk(engine, state, secret);
      await expect(verifyChunkContribution(engine, state, contribution, { expectedPubkey: pubkey })).resolves.toBeDefined();
    }
  });
});

describe('ceremony beacon (CLI)', () => {
  let dir: string;
  let stdout: string[];
  let stderr: string[];
  let savedThreads: string | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beacon-cli-'));
    await writeFile(join(dir, 'transcript.json'), serializeBatchTranscript(transcript));
    await writeFile(join(dir, 'broken.json'), '{"transcripts": [');
    savedThreads = process.env.CEREMONY_THREADS;
    process.env.CEREMONY_THREADS = '0';
  });
  afterAll(async () => {
    if (savedThreads === undefined) delete process.env.CEREMONY_THREADS;
    else process.env.CEREMONY_THREADS = savedThreads;
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(args: string[]): Promise<number> {
    stdout = [];
    stderr = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    try {
      return await runBeaconCommand(args);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  it('writes the contribution and prints the record as one JSON line', async () => {
    const out = join(dir, 'beacon.json');
    const code = await cli(['--in', join(dir, 'transcript.json'), '--out', out, '--beacon', VALUE.slice(2).toUpperCase(), '--iterations', String(ITERATIONS)]);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    const record = parseBeaconRecord(stdout[0] as string);
    expect(record).toMatchObject({ beaconValueHex: VALUE, iterations: ITERATIONS });
    const contribution = parseBatchContribution(await readFile(out, 'utf8'));
    await expect(verifyBeaconContribution(engine, transcript, contribution, record)).resolves.toBeDefined();
  });

  it('exit 1 with one JSON line for an invalid input file', async () => {
    const code = await cli(['--in', join(dir, 'broken.json'), '--out', join(dir, 'x.json'), '--beacon', '0x01', '--iterations', '4']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout.join(''))).toMatchObject({ valid: false, code: 'MALFORMED_JSON' });
  });

  it('exit 2 for usage and I/O errors', async () => {
    const input = join(dir, 'transcript.json');
    const out = join(dir, 'y.json');
    expect(await cli(['--in', input, '--out', out])).toBe(2);
    expect(stderr.join('')).toContain('--beacon');
    expect(await cli(['--in', input, '--out', out, '--beacon', 'abc'])).toBe(2);
    expect(await cli(['--in', input, '--out', out, '--beacon', '01', '--iterations', '0'])).toBe(2);
    expect(await cli(['--in', input, '--out', out, '--beacon', '01', '--iterations', 'many'])).toBe(2);
    expect(await cli(['--in', join(dir, 'missing.json'), '--out', out, '--beacon', '01'])).toBe(2);
    expect(await cli(['--in', input, '--out', out, '--beacon', '01', '--bogus'])).toBe(2);
    expect(stdout).toEqual([]);
    expect(await cli(['--help'])).toBe(0);
    expect(stdout.join('')).toContain('usage: ceremony beacon');
  });
});
