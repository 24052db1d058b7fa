/** The bench tables' statistics: nearest-rank percentiles of measured times. */

/** The `p`th percentile of ascending `sorted` (nearest rank); NaN when there is nothing measured. */
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
