import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidInputError,
  G1_GENERATOR_HEX,
  G2_GENERATOR_HEX,
  newTranscript,
  parseBatchContribution,
  parseBatchTranscript,
  parseCeremonyDocument,
  parseSizesText,
  readBoundedText,
  serializeBatchContribution,
  serializeBatchTranscript,
  DEFAULT_LIMITS,
} from '../../engine/index.js';
import { g1Hex, SMALL_SIZES } from './helpers.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof InvalidInputError) return err.code;
    throw err;
  }
  throw new Error('expected an InvalidInputError');
}

function errorOf(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (err) {
    if (err instanceof InvalidInputError) return err;
    throw err;
  }
  throw new Error('expected an InvalidInputError');
}

function contributionJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    numG1Powers: 2,
    numG2Powers: 2,
    powersOfTau: { G1Powers: [G1_GENERATOR_HEX, G1_GENERATOR_HEX], G2Powers: [G2_GENERATOR_HEX, G2_GENERATOR_HEX] },
    potPubkey: G2_GENERATOR_HEX,
    blsSignature: '',
    ...overrides,
  };
}

describe('canonical serialisation', () => {
  it('writes the layout of the Rust sequencer (serde pretty, schema key order)', () => {
    const text = serializeBatchTranscript(newTranscript([{ numG1Powers: 2, numG2Powers: 2 }]));
    const expected = [
      '{',
      '  "transcripts": [',
      '    {',
      '      "numG1Powers": 2,',
      '      "numG2Powers": 2,',
      '      "powersOfTau": {',
      '        "G1Powers": [',
      `          "${G1_GENERATOR_HEX}",`,
      `          "${G1_GENERATOR_HEX}"`,
      '        ],',
      '        "G2Powers": [',
      `          "${G2_GENERATOR_HEX}",`,
      `          "${G2_GENERATOR_HEX}"`,
      '        ]',
      '      },',
      '      "witness": {',
      '        "runningProducts": [',
      `          "${G1_GENERATOR_HEX}"`,
      '        ],',
      '        "potPubkeys": [',
      `          "${G2_GENERATOR_HEX}"`,
      '        ],',
      '        "blsSignatures": [',
      '          ""',
      '        ]',
      '      }',
      '    }',
      '  ],',
      '  "participantIds": [',
      '    ""',
      '  ],',
      '  "participantEcdsaSignatures": [',
      '    ""',
      '  ]',
      '}',
    ].join('\n');
    expect(text).toBe(expected);
  });

  it('re-serialises a parsed transcript byte for byte', () => {
    const text = serializeBatchTranscript(newTranscript(SMALL_SIZES));
    expect(serializeBatchTranscript(parseBatchTranscript(text))).toBe(text);
  });

  it('re-serialises a parsed contribution byte for byte, with and without optional fields', () => {
    const full = JSON.stringify({ contributions: [contributionJson()], ecdsaSignature: '' }, null, 2);
    expect(serializeBatchContribution(parseBatchContribution(full))).toBe(full);
    const bare = JSON.stringify({ contributions: [contributionJson({ potPubkey: undefined, blsSignature: undefined })] }, null, 2);
    expect(serializeBatchContribution(parseBatchContribution(bare))).toBe(bare);
  });

  it('reads bls_signature and writes blsSignature', () => {
    const sig = g1Hex(5n);
    const text = JSON.stringify({ contributions: [contributionJson({ blsSignature: undefined, bls_signature: sig })], ecdsaSignature: '' });
    const parsed = parseBatchContribution(text);
    expect(parsed.contributions[0]?.blsSignature).toBe(sig);
    const written = serializeBatchContribution(parsed);
    expect(written).toContain('"blsSignature"');
    expect(written).not.toContain('bls_signature');
  });

  it('accepts non-canonical whitespace on input', () => {
    const compact = JSON.stringify({ contributions: [contributionJson()], ecdsaSignature: '' });
    expect(parseBatchContribution(compact).contributions).toHaveLength(1);
  });
});

describe('input checks', () => {
  it('MALFORMED_JSON for text that is not JSON', () => {
    expect(codeOf(() => parseBatchContribution('{"contributions": ['))).toBe('MALFORMED_JSON');
    expect(codeOf(() => parseBatchTranscript(''))).toBe('MALFORMED_JSON');
  });

  it('INVALID_SCHEMA for a wrong shape, a missing or an unknown property', () => {
    expect(codeOf(() => parseBatchContribution('[]'))).toBe('INVALID_SCHEMA');
    expect(codeOf(() => parseBatchContribution('{"contributions": []}'))).toBe('INVALID_SCHEMA');
    expect(codeOf(() => parseBatchContribution(JSON.stringify({ contributions: [contributionJson({ numG1Powers: '2' })] })))).toBe('INVALID_SCHEMA');
    expect(codeOf(() => parseBatchContribution(JSON.stringify({ contributions: [contributionJson({ extra: 1 })] })))).toBe('INVALID_SCHEMA');
    const noPowers = contributionJson();
    delete noPowers.powersOfTau;
    expect(codeOf(() => parseBatchContribution(JSON.stringify({ contributions: [noPowers] })))).toBe('INVALID_SCHEMA');
    expect(codeOf(() => parseBatchContribution(JSON.stringify({ contributions: [contributionJson({ bls_signature: '' })] })))).toBe('INVALID_SCHEMA');
    const transcript = JSON.parse(serializeBatchTranscript(newTranscript(SMALL_SIZES))) as Record<string, unknown>;
    delete transcript.participantIds;
    expect(codeOf(() => parseBatchTranscript(JSON.stringify(transcript)))).toBe('INVALID_SCHEMA');
  });

  it('INVALID_SCHEMA for sizes outside 2 <= numG2Powers <= numG1Powers', () => {
    const bad = contributionJson({ numG1Powers: 1, numG2Powers: 2, powersOfTau: { G1Powers: [G1_GENERATOR_HEX], G2Powers: [G2_GENERATOR_HEX, G2_GENERATOR_HEX] } });
    expect(codeOf(() => parseBatchContribution(JSON.stringify({ contributions: [bad] })))).toBe('INVALID_SCHEMA');
  });

  it('BAD_HEX names the point: uppercase, missing prefix, wrong length, non-hex', () => {
    const cases = [G1_GENERATOR_HEX.toUpperCase().replace('0X', '0x'), G1_GENERATOR_HEX.slice(2), G1_GENERATOR_HEX.slice(0, -2), G1_GENERATOR_HEX.slice(0, -1) + 'g'];
    for (const point of cases) {
      const err = errorOf(() =>
        parseBatchContribution(JSON.stringify({ contributions: [contributionJson({ powersOfTau: { G1Powers: [G1_GENERATOR_HEX, point], G2Powers: [G2_GENERATOR_HEX, G2_GENERATOR_HEX] } })] })),
      );
      expect(err.code).toBe('BAD_HEX');
      expect(err.subCeremony).toBe(0);
      expect(err.pointIndex).toBe(1);
      expect(err.input).toBe('contribution');
    }
    expect(codeOf(() => parseBatchContribution(JSON.stringify({ contributions: [contributionJson({ potPubkey: '0x12' })] })))).toBe('BAD_HEX');
    expect(codeOf(() => parseBatchContribution(JSON.stringify({ contributions: [contributionJson()], ecdsaSignature: '0x1234' })))).toBe('BAD_HEX');
  });

  it('WRONG_COUNT when numG1Powers/numG2Powers disagree with the lists or witnesses disagree', () => {
    const moreG1 = contributionJson({ numG1Powers: 3 });
    expect(codeOf(() => parseBatchContribution(JSON.stringify({ contributions: [moreG1] })))).toBe('WRONG_COUNT');
    const fewerG2 = contributionJson({ powersOfTau: { G1Powers: [G1_GENERATOR_HEX, G1_GENERATOR_HEX, G1_GENERATOR_HEX], G2Powers: [G2_GENERATOR_HEX] }, numG1Powers: 3 });
    expect(codeOf(() => parseBatchContribution(JSON.stringify({ contributions: [fewerG2] })))).toBe('WRONG_COUNT');
    const transcript = newTranscript(SMALL_SIZES);
    transcript.transcripts[1]?.witness.runningProducts.push(G1_GENERATOR_HEX);
    transcript.transcripts[1]?.witness.potPubkeys.push(G2_GENERATOR_HEX);
    transcript.transcripts[1]?.witness.blsSignatures.push('');
    expect(codeOf(() => parseBatchTranscript(serializeBatchTranscript(transcript)))).toBe('WRONG_COUNT');
    const ids = newTranscript(SMALL_SIZES);
    ids.participantIds.push('');
    expect(codeOf(() => parseBatchTranscript(serializeBatchTranscript(ids)))).toBe('WRONG_COUNT');
  });

  it('LIMIT_EXCEEDED and FILE_TOO_LARGE bound sizes before heavy work', async () => {
    const text = serializeBatchTranscript(newTranscript(SMALL_SIZES));
    expect(codeOf(() => parseBatchTranscript(text, { maxG1Powers: 8 }))).toBe('LIMIT_EXCEEDED');
    expect(codeOf(() => parseBatchTranscript(text, { maxSubCeremonies: 1 }))).toBe('LIMIT_EXCEEDED');
    expect(codeOf(() => parseBatchTranscript(text, { maxFileBytes: 100 }))).toBe('FILE_TOO_LARGE');
    const dir = await mkdtemp(join(tmpdir(), 'engine-format-'));
    const path = join(dir, 't.json');
    await writeFile(path, text);
    await expect(readBoundedText(path, { ...DEFAULT_LIMITS, maxFileBytes: 100 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    await expect(readBoundedText(path, DEFAULT_LIMITS)).resolves.toBe(text);
  });

  it('checks participant ids against the schema patterns', () => {
    const transcript = newTranscript(SMALL_SIZES);
    for (const id of ['eth|0x' + 'ab'.repeat(20), 'git|1234|@some-user', '']) {
      transcript.participantIds[0] = id;
      expect(parseBatchTranscript(serializeBatchTranscript(transcript)).participantIds[0]).toBe(id);
    }
    for (const id of ['alice', 'eth|0xABCD', 'git|x|@a']) {
      transcript.participantIds[0] = id;
      expect(codeOf(() => parseBatchTranscript(serializeBatchTranscript(transcript)))).toBe('INVALID_SCHEMA');
    }
  });

  it('tells transcripts from contributions', () => {
    expect(parseCeremonyDocument(serializeBatchTranscript(newTranscript(SMALL_SIZES))).kind).toBe('transcript');
    expect(parseCeremonyDocument(JSON.stringify({ contributions: [contributionJson()] })).kind).toBe('contribution');
    expect(codeOf(() => parseCeremonyDocument('{"something": 1}'))).toBe('INVALID_SCHEMA');
  });

  it('parses --sizes text', () => {
    expect(parseSizesText('4096:65,8192:65', DEFAULT_LIMITS)).toEqual([
      { numG1Powers: 4096, numG2Powers: 65 },
      { numG1Powers: 8192, numG2Powers: 65 },
    ]);
    for (const bad of ['', '4096', '4:5', '1:1', '4096:65,', 'a:b', '99999999:2']) expect(() => parseSizesText(bad, DEFAULT_LIMITS)).toThrow();
  });
});
