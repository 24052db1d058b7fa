/**
 * DassFlow-2D's small input tables (FORMATS.md §7.3–7.6): `bc.txt`, `land_uses.txt`,
 * `hydrograph.txt`, `rating_curve.txt`. Each skips its comment lines by count (three before each
 * count), then reads counts and rows list-directed; a count that disagrees with its rows makes the
 * model read garbage or past the end, so every count is checked against the rows that follow.
 */
import { fortranNumber } from './numbers';
import type { CaseProblem } from './problems';

export const BC_TYPES = ['discharg1', 'discharg2', 'ratcurve', 'zspresc', 'hpresc', 'transm', 'neumann', 'wall', 'gr4'] as const;

/** Reads a table file line by line, keeping line numbers for problems. */
class Cursor {
  private index = 0;
  private readonly lines: string[];
  constructor(
    readonly file: string,
    text: string,
    readonly problems: CaseProblem[],
  ) {
    this.lines = text.split(/\r?\n/);
  }
  get line(): number {
    return this.index + 1;
  }
  skip(count: number): void {
    this.index += count;
  }
  tokens(): string[] | undefined {
    if (this.index >= this.lines.length) return undefined;
    const tokens = (this.lines[this.index] ?? '')
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '');
    this.index++;
    return tokens;
  }
  problem(line: number | undefined, message: string, fix: string): void {
    this.problems.push({ file: this.file, ...(line === undefined ? {} : { line }), message, fix });
  }
  /** A non-negative whole number on its own line (a count), or undefined after a problem. */
  count(what: string): number | undefined {
    const line = this.line;
    const tokens = this.tokens();
    if (tokens === undefined) {
      this.problem(undefined, `the file ends where the ${what} should be`, `add the ${what} after three comment lines`);
      return undefined;
    }
    const value = fortranNumber(tokens[0] ?? '');
    if (!Number.isInteger(value) || value < 0) {
      this.problem(
        line,
        `expected the ${what} (a whole number), found "${tokens.join(' ')}"`,
        'the count comes after exactly three comment lines: comment lines are skipped by number, not by content',
      );
      return undefined;
    }
    return value;
  }
  /** `count` rows of at least `width` numbers; stops at the first short or missing one. */
  rows(count: number, width: number, what: string, example: string): number[][] | undefined {
    const rows: number[][] = [];
    for (let i = 0; i < count; i++) {
      const line = this.line;
      const tokens = this.tokens();
      const values = tokens?.map(fortranNumber) ?? [];
      if (tokens === undefined || tokens.length === 0) {
        this.problem(line, `${count} ${what} announced, but ${i} found`, `write ${count} rows, or correct the count above them`);
        return undefined;
      }
      if (values.length < width || values.slice(0, width).some((v) => !Number.isFinite(v))) {
        this.problem(line, `expected ${what.replace(/s$/, '')} "${example}", found "${tokens.join(' ')}"`, `write ${width} numbers per row`);
        return undefined;
      }
      rows.push(values);
    }
    return rows;
  }
}

export interface BoundaryCondition {
  readonly number: number;
  readonly type: string;
  readonly line: number;
}

export function parseBcFile(text: string, problems: CaseProblem[]): BoundaryCondition[] {
  const cursor = new Cursor('bc.txt', text, problems);
  cursor.skip(3);
  const count = cursor.count('number of boundary conditions');
  if (count === undefined) return [];
  cursor.skip(3);
  const conditions: BoundaryCondition[] = [];
  for (let i = 0; i < count; i++) {
    const line = cursor.line;
    const tokens = cursor.tokens();
    if (tokens === undefined || tokens.length === 0) {
      cursor.problem(line, `${count} boundary conditions announced, but ${i} found`, `write ${count} lines "number type file", or correct the count`);
      break;
    }
    const [number = '', type = '', source] = tokens;
    if (source === undefined)
      cursor.problem(
        line,
        `"${tokens.join(' ')}" has ${tokens.length} token(s): DassFlow-2D aborts ("ERROR in file bc.txt at line ${line}") without a third`,
        `write three tokens, e.g. "${number || 2} ${type || 'ratcurve'} file"`,
      );
    if (!BC_TYPES.some((known) => known === type) && !type.startsWith('internal_')) cursor.problem(line, `unknown boundary type "${type}"`, `use one of ${BC_TYPES.join(', ')}`);
    conditions.push({ number: Number(number), type, line });
  }
  return conditions;
}

export function parseLandUses(text: string, problems: CaseProblem[]): Map<number, { alpha: number; beta: number }> {
  const cursor = new Cursor('land_uses.txt', text, problems);
  cursor.skip(3);
  const count = cursor.count('number of land uses');
  const uses = new Map<number, { alpha: number; beta: number }>();
  if (count === undefined) return uses;
  cursor.skip(3);
  for (const [id = 0, alpha = 0, beta = 0] of cursor.rows(count, 3, 'land uses', 'id manning_alpha manning_beta') ?? []) uses.set(Math.trunc(id), { alpha, beta });
  return uses;
}

/** `hydrograph.txt` or `rating_curve.txt`: a count of series, each after three comment lines with its own count. */
function parseSeriesFile(file: string, text: string, problems: CaseProblem[], what: string, headerWidth: number, example: string): Array<Array<readonly [number, number]>> {
  const cursor = new Cursor(file, text, problems);
  cursor.skip(3);
  const count = cursor.count(`number of ${what}s`);
  const all: Array<Array<readonly [number, number]>> = [];
  if (count === undefined) return all;
  for (let s = 1; s <= count; s++) {
    cursor.skip(3);
    const headerLine = cursor.line;
    const header = cursor.tokens()?.map(fortranNumber) ?? [];
    const points = header[0];
    if (points === undefined || !Number.isInteger(points) || points < 1 || header.length < headerWidth) {
      cursor.problem(
        headerLine,
        `${what} ${s}: expected its number of points${headerWidth > 1 ? ' and z_rat_ref' : ''} after three comment lines`,
        `e.g. "${headerWidth > 1 ? '61 0.0' : '13'}"`,
      );
      return all;
    }
    const rows = cursor.rows(points, 2, `${what} ${s} points`, example);
    if (rows === undefined) return all;
    all.push(rows.map(([a = 0, b = 0]) => [a, b] as const));
  }
  return all;
}

export const parseHydrographs = (text: string, problems: CaseProblem[]) => parseSeriesFile('hydrograph.txt', text, problems, 'hydrograph', 1, 't[s] Q[m3/s]');
export const parseRatingCurves = (text: string, problems: CaseProblem[]) => parseSeriesFile('rating_curve.txt', text, problems, 'rating curve', 2, 'zs[m] Q[m3/s]');
