/** The flood example's input files and their checks, shared by the validation step and the model. */

import { defined } from '../../../lib/shared/defined';
import { OrchestraError } from '../../../lib/shared/errors';
import { isJsonRecord } from '../../../lib/shared/json';
import { type AsciiGrid, AsciiGridError, parseAsciiGrid } from './ascii-grid';

export const DEM_FILE = 'dem.asc';
export const HYDROGRAPH_FILE = 'hydrograph.csv';
export const MODEL_FILE = 'model.json';
export const FLOOD_INPUT_FILES = [DEM_FILE, HYDROGRAPH_FILE, MODEL_FILE] as const;
const MODEL_KEYS: readonly string[] = ['inflow', 'manning', 'durationSeconds', 'outflowSlope'];
/** Beyond any river on Earth: such an input is a unit mistake, and the explicit solver's time step would make it run for hours. */
export const MAX_DISCHARGE_M3S = 1_000_000;

export interface HydrographPoint {
  readonly timeSeconds: number;
  readonly dischargeM3s: number;
}

export interface ModelSettings {
  /** Cell (row from the top, column from the left) where the hydrograph enters. */
  readonly inflow: { readonly row: number; readonly col: number };
  /** Manning's roughness. @default 0.035 */
  readonly manning: number;
  /** Simulated time. @default the hydrograph's last time */
  readonly durationSeconds: number;
  /** Bed slope used for free outflow on the east edge (0 closes it). @default 0.002 */
  readonly outflowSlope: number;
}

export class FloodInputError extends OrchestraError {
  override readonly name = 'FloodInputError';
  constructor(message: string) {
    super('flood-input', message);
  }
}

export function parseDem(text: string): AsciiGrid {
  try {
    return parseAsciiGrid(text, DEM_FILE);
  } catch (error) {
    if (error instanceof AsciiGridError) throw new FloodInputError(error.message);
    throw error;
  }
}

export function parseHydrograph(text: string): HydrographPoint[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const header = lines[0]?.toLowerCase().replace(/\s/g, '');
  if (header !== 'time_s,discharge_m3s') {
    throw new FloodInputError(`${HYDROGRAPH_FILE}:1: header "${lines[0] ?? ''}" — expected "time_s,discharge_m3s"`);
  }
  const points: HydrographPoint[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = defined(lines[i]);
    if (line === '') continue;
    const [t, q, extra] = line.split(',').map((v) => Number(v.trim()));
    if (extra !== undefined || t === undefined || q === undefined || !Number.isFinite(t) || !Number.isFinite(q)) {
      throw new FloodInputError(`${HYDROGRAPH_FILE}:${i + 1}: "${line}" — expected two numbers: time in seconds, discharge in m³/s`);
    }
    if (q < 0) throw new FloodInputError(`${HYDROGRAPH_FILE}:${i + 1}: discharge ${q} is negative — inflow must be ≥ 0`);
    if (q > MAX_DISCHARGE_M3S)
      throw new FloodInputError(`${HYDROGRAPH_FILE}:${i + 1}: discharge ${q} m³/s is over ${MAX_DISCHARGE_M3S} (the Amazon's peak is about 300,000) — check the units`);
    const previous = points[points.length - 1];
    if (previous !== undefined && t <= previous.timeSeconds)
      throw new FloodInputError(`${HYDROGRAPH_FILE}:${i + 1}: time ${t} is not after ${previous.timeSeconds} — times must increase`);
    points.push({ timeSeconds: t, dischargeM3s: q });
  }
  if (points.length < 2) throw new FloodInputError(`${HYDROGRAPH_FILE}: needs at least two rows of data`);
  return points;
}

export function parseModelSettings(text: string, dem: AsciiGrid, hydrograph: readonly HydrographPoint[]): ModelSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FloodInputError(`${MODEL_FILE}: not valid JSON (${(error as Error).message})`);
  }
  if (!isJsonRecord(raw)) throw new FloodInputError(`${MODEL_FILE}: expected a JSON object such as {"inflow": {"row": 10, "col": 0}}`);
  const unknown = Object.keys(raw).filter((key) => !MODEL_KEYS.includes(key));
  if (unknown.length > 0) throw new FloodInputError(`${MODEL_FILE}: unknown setting(s) ${unknown.map((key) => `"${key}"`).join(', ')} — allowed: ${MODEL_KEYS.join(', ')}`);
  const settings: { inflow?: unknown; manning?: unknown; durationSeconds?: unknown; outflowSlope?: unknown } = raw;
  const inflow = isJsonRecord(settings.inflow) ? settings.inflow : {};
  const row = inflow['row'];
  const col = inflow['col'];
  if (typeof row !== 'number' || typeof col !== 'number' || !Number.isInteger(row) || !Number.isInteger(col)) {
    throw new FloodInputError(`${MODEL_FILE}: inflow must be {"row": <int>, "col": <int>}`);
  }
  if (row < 0 || row >= dem.nrows || col < 0 || col >= dem.ncols) {
    throw new FloodInputError(`${MODEL_FILE}: inflow cell (${row}, ${col}) is outside the ${dem.nrows} × ${dem.ncols} DEM`);
  }
  if (dem.values[row * dem.ncols + col] === dem.nodata) throw new FloodInputError(`${MODEL_FILE}: inflow cell (${row}, ${col}) is a NODATA cell of the DEM`);
  const last = defined(hydrograph[hydrograph.length - 1]);
  const number = (name: string, value: unknown, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number') throw new FloodInputError(`${MODEL_FILE}: ${name} must be a number (got ${JSON.stringify(value)})`);
    return value;
  };
  const manning = number('manning', settings.manning, 0.035);
  const durationSeconds = number('durationSeconds', settings.durationSeconds, last.timeSeconds);
  const outflowSlope = number('outflowSlope', settings.outflowSlope, 0.002);
  if (!(manning > 0 && manning < 1)) throw new FloodInputError(`${MODEL_FILE}: manning ${manning} is not a roughness coefficient (0 < n < 1)`);
  if (!(durationSeconds > 0 && durationSeconds <= 30 * 86_400)) throw new FloodInputError(`${MODEL_FILE}: durationSeconds must be in (0, 2592000]`);
  if (!(outflowSlope >= 0 && outflowSlope < 1)) throw new FloodInputError(`${MODEL_FILE}: outflowSlope must be in [0, 1)`);
  return { inflow: { row, col }, manning, durationSeconds, outflowSlope };
}
