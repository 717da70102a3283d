// Chunk layout: overlapping neighbours, even lengths, the proof sizes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertChunkGeometry, chunkLayout, chunkRange, ladderLength, resolveChunkedLimits, setBits } from '../../../engine/chunked/index.js';

describe('chunkLayout', () => {
  it('covers [0, n-1] with neighbours sharing one point, every chunk >= 2 points, lengths within one of each other', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n - 1 }))),
        ([n, chunkCount]) => {
          const layout = chunkLayout(n, chunkCount);
          expect(layout).toHaveLength(chunkCount);
          expect(layout[0]?.start).toBe(0);
          expect(layout[chunkCount - 1]?.end).toBe(n - 1);
          const lengths = layout.map((r) => r.end - r.start + 1);
          expect(Math.min(...lengths)).toBeGreaterThanOrEqual(2);
          expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
          expect(layout.every((range, c) => c === 0 || range.start === layout[c - 1]?.end)).toBe(true);
          expect(layout.map((_, c) => chunkRange(n, chunkCount, c))).toEqual(layout);
        },
      ),
    );
  });

  it('examples', () => {
    expect(chunkLayout(8, 4)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 6 },
      { start: 6, end: 7 },
    ]);
    expect(chunkLayout(4096, 1)).toEqual([{ start: 0, end: 4095 }]);
    expect(ladderLength(8, 4)).toBe(4); // largest start 6 = 0b110: bits 0..2, rungs k = 0..3
    expect(ladderLength(4096, 1)).toBe(1);
    expect(setBits(0)).toEqual([]);
    expect(setBits(6)).toEqual([1, 2]);
    expect(setBits(2 ** 40 + 1)).toEqual([0, 40]);
  });

  it('refuses impossible geometries with typed errors', () => {
    const limits = resolveChunkedLimits({ maxChunks: 8 });
    expect(() => assertChunkGeometry({ numG1Powers: 8, numG2Powers: 2 }, 8, limits)).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
    expect(() => assertChunkGeometry({ numG1Powers: 8, numG2Powers: 2 }, 0, limits)).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
    expect(() => assertChunkGeometry({ numG1Powers: 4, numG2Powers: 5 }, 1, limits)).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
    expect(() => assertChunkGeometry({ numG1Powers: 100, numG2Powers: 2 }, 9, limits)).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
    expect(() => assertChunkGeometry({ numG1Powers: 2 ** 20, numG2Powers: 2 }, 2, limits)).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });
});
