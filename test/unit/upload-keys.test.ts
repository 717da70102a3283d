// The staging layout of uploads: one prefix per submission, and the workflows' rule for what they may
// delete (only a submission's own object, never a chunk state, a key still in use, or a flat key of
// the older shared layout).
import { describe, expect, it } from 'vitest';
import { isValidKey } from '../../store/object-store.js';
import { chunkSubmissionPrefix, deletableUploads, isChunkSubmissionKey, keysInUse } from '../../workflows/rounds/upload-keys.js';
import { isTurnUploadKey, submissionUploadPrefix, turnUploadsPrefix } from '../../workflows/sequential/upload-keys.js';

const sha = 'ab'.repeat(32);
const id = (n: number): string => n.toString(16).padStart(32, '0');

describe('sequential upload keys', () => {
  it('stage each submission under its turn, in keys the store accepts', () => {
    const prefix = submissionUploadPrefix('ceremony-main-turn-12', id(1));
    expect(prefix).toBe(`uploads/ceremony-main-turn-12/${id(1)}`);
    expect(isValidKey(`${prefix}/${sha}`)).toBe(true);
    // The longest ceremony id (40 characters) still fits a path segment up to turn 99,999,999.
    expect(isValidKey(`${submissionUploadPrefix(`ceremony-${'a'.repeat(40)}-turn-99999999`, id(2))}/${sha}`)).toBe(true);
    expect(() => turnUploadsPrefix(`ceremony-${'a'.repeat(40)}-turn-999999999`)).toThrow();
    expect(() => submissionUploadPrefix('ceremony-main-turn-1', 'not-hex')).toThrow();
  });

  it("a turn owns only its own submissions' keys", () => {
    const mine = turnUploadsPrefix('ceremony-main-turn-2');
    expect(isTurnUploadKey(`${mine}/${id(3)}/${sha}`, mine)).toBe(true);
    expect(isTurnUploadKey(`uploads/ceremony-main-turn-1/${id(3)}/${sha}`, mine)).toBe(false);
    expect(isTurnUploadKey(`uploads/ceremony-main-turn-22/${id(3)}/${sha}`, mine)).toBe(false);
    expect(isTurnUploadKey(`uploads/${sha}`, mine)).toBe(false);
    expect(isTurnUploadKey(`${mine}/${sha}`, mine)).toBe(false);
    expect(isTurnUploadKey(`transcripts/${sha}`, mine)).toBe(false);
  });
});

describe('rounds upload keys', () => {
  it('stage each submission under its own prefix', () => {
    const key = `${chunkSubmissionPrefix(id(4))}/${sha}`;
    expect(key).toBe(`chunk-uploads/${id(4)}/${sha}`);
    expect(isValidKey(key)).toBe(true);
    expect(isChunkSubmissionKey(key)).toBe(true);
    expect(isChunkSubmissionKey(`chunk-uploads/${sha}`)).toBe(false);
    expect(isChunkSubmissionKey(`chunks/${sha}`)).toBe(false);
  });

  it("deletes only submissions' own objects that the round no longer uses", () => {
    const base = `chunk-uploads/${id(5)}/${sha}`;
    const replay = `chunk-uploads/${id(6)}/${sha}`;
    const chunks = [{ baseStateKey: `chunks/${sha}`, contributions: [{ uploadKey: base, baseStateKey: `chunks/${sha}` }] }];
    const inUse = keysInUse(chunks);
    expect(deletableUploads([replay], inUse)).toEqual([replay]);
    expect(deletableUploads([base, `chunks/${sha}`, `chunk-uploads/${sha}`], inUse)).toEqual([]);
    expect(deletableUploads([replay, replay], new Set())).toEqual([replay]);
  });
});
