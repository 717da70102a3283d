// Splitting a vector of points into contiguous ranges of work.

export interface Range {
  start: number;
  end: number;
}

/** Ranges of at most `size` items covering [0, count). */
export function chunkRanges(count: number, size: number): Range[] {
  const ranges: Range[] = [];
  for (let start = 0; start < count; start += size) ranges.push({ start, end: Math.min(count, start + size) });
  return ranges;
}

/** A chunk size giving every thread a few tasks, within [minimum, maximum]. */
export function chunkSizeFor(totalPoints: number, parallelism: number, minimum = 256, maximum = 4096): number {
  const target = Math.ceil(totalPoints / Math.max(1, parallelism * 4));
  return Math.max(minimum, Math.min(maximum, target));
}
