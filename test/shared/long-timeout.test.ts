import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, setLongTimeout } from '../../lib/shared/long-timeout';

describe('setLongTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires at a moment 60 days away, not at once as setTimeout would beyond 24.8 days', () => {
    vi.useFakeTimers({ now: 0 });
    const fire = vi.fn();
    setLongTimeout(fire, new Date(60 * 86_400_000));

    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60 * 86_400_000 - MAX_TIMER_MS - 1);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('fires at once for a moment that has passed, and never after cancel', () => {
    vi.useFakeTimers({ now: 1_000 });
    const past = vi.fn();
    const cancelled = vi.fn();
    setLongTimeout(past, new Date(0));
    setLongTimeout(cancelled, new Date(2_000)).cancel();

    vi.advanceTimersByTime(5_000);
    expect(past).toHaveBeenCalledTimes(1);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
