/**
 * The flood example dataset, generated (never hand-edited): a synthetic valley DEM with a river
 * channel and a meander-shaped floodplain, an inflow hydrograph that overtops the channel, and the
 * model settings. `npm run build:example` rewrites examples/flood/valley; a test checks it is fresh.
 */
import { formatAsciiGrid } from '../functions/flood/commons/ascii-grid';

export const EXAMPLE_DIR = 'examples/flood/valley';

export const NCOLS = 120;
export const NROWS = 60;
export const CELLSIZE_M = 20;
/** The hydrograph enters at the channel's west end. */
export const INFLOW = { row: 30, col: 1 } as const;

/** Channel centre line (row) along the valley: a gentle meander. */
export const channelRow = (col: number): number => 30 + 6 * Math.sin((2 * Math.PI * col) / 80);

export function demValue(row: number, col: number): number {
  const downValley = 12 - 0.002 * CELLSIZE_M * col; // falls 0.04 m per cell eastwards
  const distance = Math.abs(row - channelRow(col)) * CELLSIZE_M; // metres from the channel centre
  const channel = distance <= 30 ? -2.5 * (1 - (distance / 30) ** 2) : 0; // ~60 m wide, 2.5 m deep
  const floodplain = distance <= 300 ? 0.004 * distance : 1.2 + 0.03 * (distance - 300); // flat plain, steep valley sides
  const hummocks = 0.3 * Math.sin(col / 7) * Math.cos(row / 5);
  return Math.round((downValley + channel + floodplain + hummocks) * 1000) / 1000;
}

export function hydrographCsv(): string {
  // A 3-hour flood wave peaking at 400 m³/s after one hour, on a 20 m³/s base flow.
  const rows = ['time_s,discharge_m3s'];
  for (let t = 0; t <= 4 * 3600; t += 600) {
    const q = t <= 3600 ? 20 + (380 * t) / 3600 : t <= 3 * 3600 ? 400 - (380 * (t - 3600)) / 7200 : 20;
    rows.push(`${t},${Math.round(q * 10) / 10}`);
  }
  return `${rows.join('\n')}\n`;
}

export function floodExampleFiles(): Record<string, string> {
  const values = new Float64Array(NCOLS * NROWS);
  for (let r = 0; r < NROWS; r++) for (let c = 0; c < NCOLS; c++) values[r * NCOLS + c] = demValue(r, c);
  return {
    'dem.asc': formatAsciiGrid({ ncols: NCOLS, nrows: NROWS, xllcorner: 500000, yllcorner: 4800000, cellsize: CELLSIZE_M, nodata: -9999, values }),
    'hydrograph.csv': hydrographCsv(),
    'model.json': `${JSON.stringify({ inflow: INFLOW, manning: 0.035, durationSeconds: 4 * 3600, outflowSlope: 0.002 }, null, 2)}\n`,
  };
}
