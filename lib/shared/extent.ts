/**
 * The smallest and largest of many numbers, in one pass. `Math.min(...values)` passes every value as
 * an argument and overflows the call stack past ~120,000 of them (a 500×500 mesh's nodes).
 */
export function extentOf(values: Iterable<number>): { readonly min: number; readonly max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max };
}
