/** A checked DassFlow-2D case folder, read into what the built-in solver needs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMesh } from '../../../lib/formats/dassflow2d/mesh';
import { numberSetting, parseNamelist } from '../../../lib/formats/dassflow2d/namelist';
import type { CaseProblem } from '../../../lib/formats/dassflow2d/problems';
import { formatProblem } from '../../../lib/formats/dassflow2d/problems';
import { parseBcFile, parseHydrographs, parseLandUses, parseRatingCurves } from '../../../lib/formats/dassflow2d/tables';
import type { SolverCase } from './solver';

export class CaseLoadError extends Error {
  override readonly name = 'CaseLoadError';
}

export function loadCase(dir: string): SolverCase {
  const problems: CaseProblem[] = [];
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const namelist = parseNamelist(read('input.txt'));
  problems.push(...namelist.problems);
  const setting = (key: string, fallback: number) => numberSetting(namelist, key, problems) ?? fallback;
  const meshFile = namelist.values.get('mesh_name')?.raw ?? '';
  const { mesh, problems: meshProblems } = parseMesh(meshFile, read(meshFile));
  problems.push(...meshProblems);
  const nonQuad = mesh?.cells.findIndex((cell) => cell.nodes.length !== 4) ?? -1;
  if (nonQuad >= 0)
    throw new CaseLoadError(
      `${meshFile}: cell ${nonQuad + 1} is a triangle: the built-in solver takes quadrilateral meshes only — run the real DassFlow-2D (ORCHESTRA_DASSFLOW2D)`,
    );
  const conditions = parseBcFile(read('bc.txt'), problems);
  const uses = parseLandUses(read('land_uses.txt'), problems);
  const hydrographs = conditions.some((c) => c.type.startsWith('discharg')) ? parseHydrographs(read('hydrograph.txt'), problems) : [];
  const curves = conditions.some((c) => c.type === 'ratcurve') ? parseRatingCurves(read('rating_curve.txt'), problems) : [];
  const unsupported = conditions.filter((c) => c.type !== 'discharg1' && c.type !== 'ratcurve' && c.type !== 'wall');
  if (unsupported.length > 0)
    throw new CaseLoadError(
      `bc.txt:${unsupported[0]?.line}: the built-in solver takes discharg1, ratcurve and wall boundaries only, not ${unsupported[0]?.type} — run the real DassFlow-2D (ORCHESTRA_DASSFLOW2D)`,
    );
  if (problems.length > 0 || mesh === undefined) throw new CaseLoadError(problems.map(formatProblem).join('\n'));
  let discharge = 0;
  let rating = 0;
  const boundaries = new Map(
    conditions.map((c) => [
      c.number,
      { type: c.type, ...(c.type === 'discharg1' ? { series: hydrographs[discharge++] ?? [] } : c.type === 'ratcurve' ? { series: curves[rating++] ?? [] } : {}) },
    ]),
  );
  return {
    mesh,
    manning: new Map([...uses].map(([id, use]) => [id, use.alpha])),
    boundaries,
    settings: { ts: setting('ts', 0), dtw: setting('dtw', 2000), dtp: setting('dtp', 60), cfl: setting('cfl', 0.8), heps: setting('heps', 1e-8), g: setting('g', 9.81) },
  };
}
