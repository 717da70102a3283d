// Finds the first failing position of a range check by halving.

/**
 * `check(a, b)` says whether positions [a, b) are all good. Returns the first bad
 * position in [start, end), or undefined when the whole range checks out.
 */
export async function firstBadPosition(start: number, end: number, check: (a: number, b: number) => Promise<boolean>): Promise<number | undefined> {
  if (end <= start || (await check(start, end))) return undefined;
  let lo = start;
  let hi = end;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (!(await check(lo, mid))) hi = mid;
    else lo = mid;
  }
  return lo;
}
