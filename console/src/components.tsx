/** Small pieces every view uses: table heads, status badges, times, durations, errors. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatUsd } from '../../lib/contract/prices';
import { problemOf } from './api';
import { isLive, onRunChange, type RunChange } from './live';

/** Polled every second; a view told of changes by the live stream polls every 15 s and loads on each matching change. */
const POLL_MS = 1000;
const LIVE_POLL_MS = 15_000;

/**
 * Loads with `load` now, again when a run change `matches` (at most one load in flight, one queued),
 * and on a timer, keeping the last answer and the last error.
 */
export function usePolled<T>(load: () => Promise<T>, key: string, matches?: (change: RunChange) => boolean): { value: T | undefined; error: string | undefined } {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    // Another query: the last answer was to a different question.
    setValue(undefined);
    let live = true;
    let inFlight = false;
    let again = false;
    let last = 0;
    const tick = async () => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      last = Date.now();
      try {
        const next = await loadRef.current();
        if (live) {
          setValue(next);
          setError(undefined);
        }
      } catch (failure) {
        if (live) setError(messageOf(failure));
      } finally {
        inFlight = false;
        if (again && live) {
          again = false;
          void tick();
        }
      }
    };
    void tick();
    const timer = setInterval(() => {
      if (Date.now() - last >= (matches !== undefined && isLive() ? LIVE_POLL_MS : POLL_MS)) void tick();
    }, POLL_MS);
    const stop = matches === undefined ? undefined : onRunChange((change) => matches(change) && void tick());
    return () => {
      live = false;
      clearInterval(timer);
      stop?.();
    };
  }, [key]);
  return { value, error };
}

export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th scope="col" key={column}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export const Status = ({ status }: { status: string }) => <span class={`status status-${status}`}>{status}</span>;
export const when = (iso: string | undefined) => (iso === undefined || iso === '' ? '' : new Date(iso).toLocaleString());

/** "4.2 s", "3 min 05 s", "1 h 02 min" between two ISO times (to now when `to` is missing). */
export function duration(from: string | undefined, to?: string): string {
  if (from === undefined) return '';
  const seconds = Math.max(0, ((to === undefined ? Date.now() : Date.parse(to)) - Date.parse(from)) / 1000);
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A cost in USD as runs are read (lib/contract/prices.ts formatUsd); empty when unknown. */
export const dollarsOf = (usd: number | undefined): string => (usd === undefined ? '' : formatUsd(usd));

export const runLink = (run: { pipeline: string; runId: string }) => `#/runs/${encodeURIComponent(run.pipeline)}/${encodeURIComponent(run.runId)}`;
export const pipelineLink = (name: string) => `#/pipelines/${encodeURIComponent(name)}`;

export function Problem({ message }: { message: string | undefined }) {
  return message === undefined ? null : (
    <p role="alert" class="error">
      {message}
    </p>
  );
}

/** What the page says of a failure: the API's own words for a refusal (lib/client's error carries them apart from the request). */
export const messageOf = (failure: unknown): string => problemOf(failure).message;
