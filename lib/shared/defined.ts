import { InvariantError } from './errors';

/**
 * The value, or a loud failure: for lookups the program's own logic guarantees (an id taken from the
 * same map, an index inside the array). Replaces `x!` and `x as T`, which hide the bug when the
 * guarantee breaks.
 */
export function defined<T>(value: T | undefined, what = 'value'): T {
  if (value === undefined) throw new InvariantError(`expected ${what} to be defined`);
  return value;
}
