/**
 * `res/result_*.dat` (FORMATS.md §8.2): two header lines, then one row per cell in mesh order,
 * `(I5,8(" ",ES15.8))`: i x y bathy h zs Manning u v. The id column overflows to `*****` from
 * 100,000 cells, so rows are taken in order; floats are read leniently (Fortran drops the `E` of
 * three-digit exponents; blown-up runs write NaN and Infinity).
 */
import { fortranNumber } from './numbers';

export const RESULT_COLUMNS = ['x', 'y', 'bathy', 'h', 'zs', 'manning', 'u', 'v'] as const;
export type ResultColumn = (typeof RESULT_COLUMNS)[number];

/** Columns of one snapshot, one entry per cell in mesh order. */
export type ResultSnapshot = Readonly<Record<ResultColumn, Float64Array>>;

export class ResultFileError extends Error {
  override readonly name = 'ResultFileError';
}

export function parseResultFile(file: string, text: string): ResultSnapshot {
  const rows = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const columns = Object.fromEntries(RESULT_COLUMNS.map((column) => [column, new Float64Array(rows.length)])) as Record<ResultColumn, Float64Array>;
  rows.forEach((row, index) => {
    const tokens = row.trim().split(/\s+/);
    if (tokens.length !== 9) throw new ResultFileError(`${file}: row ${index + 1} has ${tokens.length} columns, expected 9 (i x y bathy h zs Manning u v)`);
    RESULT_COLUMNS.forEach((column, c) => {
      columns[column][index] = fortranNumber(tokens[c + 1] ?? '');
    });
  });
  return columns;
}

/** Depths above this are a blown-up run, not a flood. */
export const SANE_DEPTH_LIMIT_M = 1000;

/** Why a final state cannot be trusted (the model exits 0 on unstable runs), or undefined when it can. */
export function resultProblem(file: string, snapshot: ResultSnapshot, expectedCells: number): string | undefined {
  const cells = snapshot.h.length;
  if (cells !== expectedCells) return `${file} has ${cells} rows for ${expectedCells} cells: the run did not finish writing it`;
  for (let i = 0; i < cells; i++) {
    for (const column of RESULT_COLUMNS) {
      const value = snapshot[column][i] ?? Number.NaN;
      if (!Number.isFinite(value)) return `${file}, cell ${i + 1}: ${column} is ${value} — the run blew up (lower cfl, e.g. 0.8)`;
    }
    const h = snapshot.h[i] ?? 0;
    if (h < 0) return `${file}, cell ${i + 1}: negative depth ${h} m`;
    if (h > SANE_DEPTH_LIMIT_M) return `${file}, cell ${i + 1}: depth ${h} m is not a flood — the run blew up (lower cfl, e.g. 0.8)`;
  }
  return undefined;
}
