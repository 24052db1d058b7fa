/**
 * A timer for a moment that may be months away. Node's setTimeout holds at most 2^31 - 1 ms (about
 * 24.8 days) and fires at once beyond that, so a far moment is reached in steps of that size.
 */
export const MAX_TIMER_MS = 2_147_483_647;

export interface LongTimeout {
  cancel(): void;
}

/** Calls `fire` at `at` (at once when `at` has passed); the timer never keeps the process alive. */
export function setLongTimeout(fire: () => void, at: Date, now: () => number = Date.now): LongTimeout {
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const wait = at.getTime() - now();
    timer = setTimeout(wait > MAX_TIMER_MS ? arm : fire, Math.min(Math.max(0, wait), MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}
