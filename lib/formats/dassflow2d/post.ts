/**
 * `res/post/<name>.dat` (FORMATS.md §8.1): a `# time <name>` header (or Tecplot's `VARIABLES = …`),
 * then two columns, time [s] and value, every `dtp`. Names: `water_vol` [m³],
 * `sum_mass_flux_inflow_<bc>` and `sum_mass_flux_outflow_<bc>` [m³/s], `time_step` [s], …
 */
import { fortranNumber } from './numbers';

export interface PostSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [time: number, value: number]>;
}

export function parsePostFile(fileName: string, text: string): PostSeries {
  const name = fileName.replace(/^.*\//, '').replace(/\.(dat|plt)$/, '');
  const points: Array<readonly [number, number]> = [];
  for (const line of text.split(/\r?\n/)) {
    const tokens = line.trim().split(/\s+/);
    if (tokens.length < 2 || line.trimStart().startsWith('#') || /^[A-Za-z]/.test(line.trim())) continue;
    const t = fortranNumber(tokens[0] ?? '');
    const v = fortranNumber(tokens[1] ?? '');
    if (Number.isFinite(t) && Number.isFinite(v)) points.push([t, v]);
  }
  return { name, points };
}

/** ∫ value dt by trapezoids: a discharge series' volume [m³]. */
export const integrate = (points: ReadonlyArray<readonly [number, number]>): number =>
  points.reduce((sum, [t, v], i) => (i === 0 ? 0 : sum + ((t - (points[i - 1]?.[0] ?? t)) * (v + (points[i - 1]?.[1] ?? v))) / 2), 0);
