/**
 * The nightly catalogue's observations and the features its recognition codes find in them. An
 * observation is `<prefix><YYYY-MM-DD>/<obs id>.json`: `{"obs_id", "time", "signal": [numbers]}`.
 * Pure: the Lambda handlers in functions/catalogue/ do the S3 side.
 */

export interface Observation {
  readonly obsId: string;
  readonly time: string;
  readonly signal: readonly number[];
}

export class ObservationError extends Error {
  override readonly name = 'ObservationError';
}

const OBSERVATION_KEY = /(?:^|\/)(\d{4}-\d{2}-\d{2})\/([A-Za-z0-9_.-]+)\.json$/;

/** The day and id an observation's key names, or undefined for a key that is not an observation. */
export function observationKey(key: string): { day: string; obsId: string } | undefined {
  const match = OBSERVATION_KEY.exec(key);
  return match === null ? undefined : { day: match[1] ?? '', obsId: match[2] ?? '' };
}

/** The window "from `fromDaysAgo` to `toDaysAgo` days before `time`", as whole UTC days, inclusive. */
export function windowOf(time: Date, fromDaysAgo: number, toDaysAgo: number): { from: string; to: string } {
  const day = (daysAgo: number) => new Date(time.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  return { from: day(fromDaysAgo), to: day(toDaysAgo) };
}

export const inWindow = (day: string, window: { from: string; to: string }): boolean => day >= window.from && day <= window.to;

export function parseObservation(key: string, text: string): Observation {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ObservationError(`${key}: not JSON`);
  }
  const record = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const { obs_id: obsId, time, signal } = record;
  if (typeof obsId !== 'string' || typeof time !== 'string' || !Array.isArray(signal) || !signal.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new ObservationError(`${key}: expected {"obs_id": string, "time": ISO string, "signal": [finite numbers]}`);
  return { obsId, time, signal };
}

/** The recognition codes: each finds one kind of feature in the signal. */
export const RECOGNITION_CODES = ['peaks', 'edges', 'periodicity'] as const;
export type RecognitionCode = (typeof RECOGNITION_CODES)[number];
export const isRecognitionCode = (code: unknown): code is RecognitionCode => RECOGNITION_CODES.includes(code as RecognitionCode);

export interface Features {
  readonly code: RecognitionCode;
  readonly count: number;
  /** Positions (sample indexes) or, for periodicity, the period in samples. */
  readonly values: readonly number[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const std = (xs: readonly number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

export function recognise(code: RecognitionCode, signal: readonly number[]): Features {
  const at = (i: number) => signal[i] ?? 0;
  if (code === 'peaks') {
    // Local maxima more than 3 standard deviations above the mean.
    const threshold = mean(signal) + 3 * std(signal);
    const values = signal.flatMap((x, i) => (x > threshold && x >= at(i - 1) && x >= at(i + 1) ? [i] : []));
    return { code, count: values.length, values };
  }
  if (code === 'edges') {
    // Steps between neighbours bigger than 4 standard deviations of the differences.
    const diffs = signal.slice(1).map((x, i) => x - at(i));
    const threshold = 4 * std(diffs);
    const values = diffs.flatMap((d, i) => (Math.abs(d) > threshold ? [i + 1] : []));
    return { code, count: values.length, values };
  }
  // The lag (2..n/2) with the highest autocorrelation, if it clearly beats noise.
  const m = mean(signal);
  const centred = signal.map((x) => x - m);
  const energy = centred.reduce((sum, x) => sum + x * x, 0) || 1;
  let best = 0;
  let bestLag = 0;
  for (let lag = 2; lag <= centred.length / 2; lag++) {
    let sum = 0;
    for (let i = lag; i < centred.length; i++) sum += (centred[i] ?? 0) * (centred[i - lag] ?? 0);
    if (sum / energy > best) [best, bestLag] = [sum / energy, lag];
  }
  return best > 0.5 ? { code, count: 1, values: [bestLag] } : { code, count: 0, values: [] };
}
