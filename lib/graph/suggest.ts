import { closest, distance } from 'fastest-levenshtein';

/** "did you mean" for typos: the closest candidate if it is near enough to be a plausible typo. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(input, [...candidates]);
  const budget = Math.max(1, Math.floor(Math.max(input.length, best.length) / 3));
  return distance(input.toLowerCase(), best.toLowerCase()) <= budget ? best : undefined;
}

/** The fix text for a name that is not one of `candidates`. */
export function fixForUnknownName(input: string, candidates: readonly string[]): string {
  const best = suggest(input, candidates);
  if (best !== undefined) return `did you mean "${best}"?`;
  if (candidates.length === 0) return 'none is defined';
  const shown = candidates
    .slice(0, 10)
    .map((c) => `"${c}"`)
    .join(', ');
  return `use one of ${shown}${candidates.length > 10 ? `, … (${candidates.length} in all)` : ''}`;
}
