/**
 * ESRI ASCII grids (.asc), the plain raster format hydraulic models such as DassFlow-2D and
 * LISFLOOD-FP read and write. Parsing reports the line and the fix, since users hand-edit these.
 */

import { defined } from '../../../lib/shared/defined';
import { OrchestraError } from '../../../lib/shared/errors';

export interface AsciiGrid {
  readonly ncols: number;
  readonly nrows: number;
  readonly xllcorner: number;
  readonly yllcorner: number;
  readonly cellsize: number;
  readonly nodata: number;
  /** Row-major, first row is the northernmost, as in the file. */
  readonly values: Float64Array;
}

export class AsciiGridError extends OrchestraError {
  override readonly name = 'AsciiGridError';
  constructor(message: string) {
    super('ascii-grid', message);
  }
}

const HEADER_KEYS = ['ncols', 'nrows', 'xllcorner', 'yllcorner', 'cellsize', 'nodata_value'] as const;
export const MAX_GRID_CELLS = 25_000_000;

export function parseAsciiGrid(text: string, file = 'grid'): AsciiGrid {
  const lines = text.split(/\r?\n/);
  const header: Record<string, number> = {};
  let line = 0;
  for (; line < lines.length; line++) {
    const parts = defined(lines[line]).trim().split(/\s+/);
    const key = parts[0]?.toLowerCase() ?? '';
    const canonical = key === 'xllcenter' ? 'xllcorner' : key === 'yllcenter' ? 'yllcorner' : key;
    if (!(HEADER_KEYS as readonly string[]).includes(canonical)) break;
    const value = Number(parts[1]);
    if (parts.length !== 2 || !Number.isFinite(value)) throw new AsciiGridError(`${file}:${line + 1}: "${lines[line]}" — expected "${key} <number>"`);
    header[canonical] = value;
  }
  for (const key of HEADER_KEYS.slice(0, 5)) {
    if (header[key] === undefined) throw new AsciiGridError(`${file}: header has no "${key}" — an ESRI ASCII grid starts with ncols, nrows, xllcorner, yllcorner, cellsize`);
  }
  const { ncols, nrows, cellsize } = header as Record<string, number>;
  if (!Number.isInteger(ncols) || !Number.isInteger(nrows) || (ncols as number) < 3 || (nrows as number) < 3) {
    throw new AsciiGridError(`${file}: ncols and nrows must be whole numbers of at least 3 (got ${ncols} × ${nrows})`);
  }
  if ((ncols as number) * (nrows as number) > MAX_GRID_CELLS) throw new AsciiGridError(`${file}: ${ncols} × ${nrows} cells is over the ${MAX_GRID_CELLS} cell limit`);
  if (!((cellsize as number) > 0)) throw new AsciiGridError(`${file}: cellsize must be positive (got ${cellsize})`);
  const values = new Float64Array((ncols as number) * (nrows as number));
  let count = 0;
  for (; line < lines.length; line++) {
    const row = defined(lines[line]).trim();
    if (row === '') continue;
    const tokens = row.split(/\s+/);
    // One grid row per line, as ESRI writes them: a ragged row means a value is missing or misplaced.
    if (tokens.length !== ncols) throw new AsciiGridError(`${file}:${line + 1}: ${tokens.length} values on this row, ncols is ${ncols} — each line holds one row of the grid`);
    for (const token of tokens) {
      const value = Number(token);
      if (!Number.isFinite(value)) throw new AsciiGridError(`${file}:${line + 1}: "${token}" is not a number`);
      if (count >= values.length) throw new AsciiGridError(`${file}:${line + 1}: more values than ncols × nrows = ${values.length}`);
      values[count++] = value;
    }
  }
  if (count !== values.length) throw new AsciiGridError(`${file}: ${count} values, but ncols × nrows = ${values.length} — the grid is truncated`);
  return {
    ncols: ncols as number,
    nrows: nrows as number,
    xllcorner: defined(header['xllcorner']),
    yllcorner: defined(header['yllcorner']),
    cellsize: cellsize as number,
    nodata: header['nodata_value'] ?? -9999,
    values,
  };
}

export function formatAsciiGrid(grid: AsciiGrid, decimals = 3): string {
  const out = [
    `ncols ${grid.ncols}`,
    `nrows ${grid.nrows}`,
    `xllcorner ${grid.xllcorner}`,
    `yllcorner ${grid.yllcorner}`,
    `cellsize ${grid.cellsize}`,
    `NODATA_value ${grid.nodata}`,
  ];
  for (let r = 0; r < grid.nrows; r++) {
    const row: string[] = [];
    for (let c = 0; c < grid.ncols; c++) {
      const v = defined(grid.values[r * grid.ncols + c]);
      row.push(v === grid.nodata ? String(grid.nodata) : Number(v.toFixed(decimals)).toString());
    }
    out.push(row.join(' '));
  }
  return `${out.join('\n')}\n`;
}
