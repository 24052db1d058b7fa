/**
 * What DassFlow-2D does not check itself (FORMATS.md §8.5: several bad inputs exit 0 with empty or
 * garbage results, others segfault): every namelist key known, `ts` > 0, the mesh and the files each
 * boundary type needs present, three tokens per `bc.txt` line, counts that match their rows, ids
 * covering 1..nn and 1..nc, an INLET and an OUTLET, land uses defined. Every problem at once, each
 * naming its file, line and fix.
 */
import { type Mesh, parseMesh } from './mesh';
import { INPUT_FILE, numberSetting, parseNamelist } from './namelist';
import type { CaseProblem } from './problems';
import { FILES_OF_BOUNDARY_TYPE } from './required-files';
import { type BoundaryCondition, parseBcFile, parseHydrographs, parseLandUses, parseRatingCurves } from './tables';

/** A file that is there but was not read: its size is above what the checker may hold in memory. */
export interface UnreadFile {
  readonly bytes: number;
  readonly limitBytes: number;
}

/** The files of a case by name, as uploaded (undefined: not there). */
export type CaseFiles = (name: string) => string | UnreadFile | undefined;

const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;

export interface CheckedCase {
  readonly problems: readonly CaseProblem[];
  /** Set when the case can run: no problems. */
  readonly summary?: {
    readonly meshFile: string;
    readonly nodes: number;
    readonly cells: number;
    readonly simulatedSeconds: number;
    readonly boundaryConditions: readonly string[];
    readonly files: readonly string[];
  };
}

function checkSettings(namelist: ReturnType<typeof parseNamelist>, problems: CaseProblem[]): { meshFile?: string; ts?: number } {
  const at = (key: string) => namelist.values.get(key)?.line;
  const problem = (line: number | undefined, message: string, fix: string) => problems.push({ file: INPUT_FILE, ...(line === undefined ? {} : { line }), message, fix });
  const meshType = namelist.values.get('mesh_type')?.raw.toLowerCase();
  if (meshType === undefined) problem(undefined, 'no mesh_type: the model stops with "Unknow mesh type"', "add mesh_type = 'dassflow'");
  else if (meshType === 'basic')
    problem(at('mesh_type'), "mesh_type 'basic' crashes the standalone model (bathymetry and Manning are only set from Python)", "use mesh_type = 'dassflow' with a .geo mesh");
  else if (meshType !== 'dassflow') problem(at('mesh_type'), `mesh_type '${meshType}' is not read by this pipeline`, "use mesh_type = 'dassflow' with a .geo mesh");
  const meshFile = namelist.values.get('mesh_name')?.raw;
  if (meshFile === undefined || meshFile === '') problem(undefined, 'no mesh_name', "add mesh_name = 'mesh.geo' (the mesh file in the case folder)");
  const ts = numberSetting(namelist, 'ts', problems);
  if (ts === undefined && !namelist.values.has('ts'))
    problem(undefined, 'no ts: DassFlow-2D then simulates nothing and still exits 0', 'add ts = <simulated seconds>, e.g. ts = 3600.');
  else if (ts !== undefined && ts <= 0) problem(at('ts'), `ts = ${ts}: nothing would be simulated`, 'set ts to the simulated duration in seconds, above 0');
  for (const key of ['dtw', 'dtp', 'dt'] as const) {
    const value = numberSetting(namelist, key, problems);
    if (value !== undefined && value <= 0) problem(at(key), `${key} = ${value} must be above 0`, `set ${key} in seconds, e.g. ${key} = 60.`);
  }
  const cfl = numberSetting(namelist, 'cfl', problems);
  if (cfl !== undefined && cfl <= 0) problem(at('cfl'), `cfl = ${cfl}: the time step it allows is 0, so the model never advances`, 'use cfl = 0.8 (the default)');
  else if (cfl !== undefined && cfl > 1)
    problem(at('cfl'), `cfl = ${cfl}: the explicit scheme blows up above 1 and still exits 0 (measured with cfl = 5)`, 'use cfl = 0.8 (the default)');
  const g = numberSetting(namelist, 'g', problems);
  if (g !== undefined && g <= 0) problem(at('g'), `g = ${g}: gravity is a positive acceleration here (the water would flow uphill)`, 'use g = 9.81');
  const heps = numberSetting(namelist, 'heps', problems);
  if (heps !== undefined && heps < 0) problem(at('heps'), `heps = ${heps}: the dry-cell depth threshold cannot be negative`, 'use heps = 0.001 (a millimetre)');
  return { ...(meshFile === undefined || meshFile === '' ? {} : { meshFile }), ...(ts === undefined ? {} : { ts }) };
}

/** Boundary numbers the mesh's INLET and OUTLET groups refer to, as the model numbers them. */
function boundaryNumbersOf(mesh: Mesh): Map<number, string> {
  const numbers = new Map<number, string>();
  const inlet = mesh.boundaries.get('INLET');
  const outlet = mesh.boundaries.get('OUTLET');
  const inletGroups = inlet === undefined ? 0 : Math.max(inlet.groups, 1);
  if (inlet !== undefined) for (let g = 1; g <= inletGroups; g++) numbers.set(inlet.groups === 0 ? 1 : g, 'INLET');
  if (outlet !== undefined) for (let g = 1; g <= Math.max(outlet.groups, 1); g++) numbers.set(outlet.groups === 0 ? 2 : inletGroups + g, 'OUTLET');
  return numbers;
}

export function checkCase(caseFiles: CaseFiles): CheckedCase {
  const problems: CaseProblem[] = [];
  /** A file's text; when it is missing or too large to read, the problem is reported and undefined returned. */
  const read = (file: string, missing: Omit<CaseProblem, 'file'>): string | undefined => {
    const found = caseFiles(file);
    if (typeof found === 'string') return found;
    problems.push(
      found === undefined
        ? { file, ...missing }
        : {
            file,
            message: `uploaded, ${megabytes(found.bytes)}: above the ${megabytes(found.limitBytes)} the check reads in its memory`,
            fix: "raise the checking step's memoryMiB in the graph (it reads files up to a quarter of it)",
          },
    );
    return undefined;
  };
  const inputText = read(INPUT_FILE, { message: 'missing: DassFlow-2D reads its settings from it', fix: 'add input.txt, the &list_input namelist' });
  if (inputText === undefined) return { problems };
  const namelist = parseNamelist(inputText);
  problems.push(...namelist.problems);
  const { meshFile, ts } = checkSettings(namelist, problems);
  const files = [INPUT_FILE];

  let mesh: Mesh | undefined;
  if (meshFile !== undefined) {
    const text = read(meshFile, {
      message: `missing: input.txt names it as mesh_name (line ${namelist.values.get('mesh_name')?.line}); the model would exit 2`,
      fix: `upload ${meshFile} with the case, or correct mesh_name`,
    });
    if (text !== undefined) {
      files.push(meshFile);
      const parsed = parseMesh(meshFile, text);
      problems.push(...parsed.problems);
      mesh = parsed.mesh;
    }
  }

  let conditions: BoundaryCondition[] = [];
  const bcText = read('bc.txt', { message: 'missing: the model reads its boundary conditions from it', fix: 'add bc.txt, e.g. "1 discharg1 file" and "2 ratcurve file"' });
  if (bcText !== undefined) {
    files.push('bc.txt');
    conditions = parseBcFile(bcText, problems);
  }

  const landText = read('land_uses.txt', {
    message: 'missing: the model runs without Manning friction (it only warns)',
    fix: 'add land_uses.txt with one "id alpha beta" line per land id of the mesh',
  });
  if (landText !== undefined) {
    files.push('land_uses.txt');
    const uses = parseLandUses(landText, problems);
    for (const [id, { alpha }] of uses)
      if (!(alpha > 0))
        problems.push({ file: 'land_uses.txt', message: `land use ${id}: Manning's n = ${alpha} must be above 0 (friction cannot add energy)`, fix: `e.g. "${id} 0.033 0"` });
    if (mesh !== undefined && meshFile !== undefined) {
      const undefinedIds = [...new Set(mesh.cells.map((cell) => cell.land))].filter((id) => !uses.has(id)).sort((a, b) => a - b);
      if (undefinedIds.length > 0)
        problems.push({
          file: 'land_uses.txt',
          message: `land id(s) ${undefinedIds.join(', ')} of ${meshFile} are not defined`,
          fix: `add a line "id alpha beta" for each, e.g. "${undefinedIds[0]} 0.033 0"`,
        });
    }
  }

  // The files each boundary type reads, and as many series as boundaries of that type.
  const byFile = new Map<string, BoundaryCondition[]>();
  for (const condition of conditions) {
    const file = FILES_OF_BOUNDARY_TYPE[condition.type];
    if (condition.type === 'gr4')
      problems.push({ file: 'bc.txt', line: condition.line, message: 'gr4 needs the HYDRO coupling, which a direct run does not have', fix: 'use discharg1 with a hydrograph' });
    if (file !== undefined) byFile.set(file, [...(byFile.get(file) ?? []), condition]);
  }
  for (const [file, users] of byFile) {
    const first = users[0];
    const text = read(file, {
      message: `missing: bc.txt line ${first?.line} (${first?.type}) reads it${file === 'hydrograph.txt' ? '; the model would print an error and then crash (SIGSEGV)' : ''}`,
      fix: `upload ${file} with the case`,
    });
    if (text === undefined) continue;
    files.push(file);
    const before = problems.length;
    const series = file === 'hydrograph.txt' ? parseHydrographs(text, problems) : file === 'rating_curve.txt' ? parseRatingCurves(text, problems) : undefined;
    // A file that did not parse already said why; its series count would only repeat it.
    if (series !== undefined && problems.length === before && series.length < users.length)
      problems.push({
        file,
        message: `${series.length} series for ${users.length} ${users.map((u) => u.type).join(', ')} boundary condition(s) in bc.txt`,
        fix: 'give one series per boundary condition of that type, in bc.txt order',
      });
    series?.forEach((points, index) => {
      const decreasing = points.findIndex((point, i) => i > 0 && point[0] <= (points[i - 1]?.[0] ?? Number.NEGATIVE_INFINITY));
      if (decreasing > 0)
        problems.push({
          file,
          message: `series ${index + 1}: its first column must increase, but point ${decreasing + 1} does not`,
          fix: 'sort the points (time, or water-surface elevation for a rating curve)',
        });
    });
  }

  if (mesh !== undefined) {
    const numbers = new Set(conditions.map((condition) => condition.number));
    for (const [number, block] of boundaryNumbersOf(mesh))
      if (bcText !== undefined && !numbers.has(number))
        problems.push({
          file: 'bc.txt',
          message: `the mesh's ${block} edges use boundary condition ${number}, which bc.txt does not define`,
          fix: `add a line "${number} <type> file"`,
        });
  }

  if (problems.length > 0 || mesh === undefined || meshFile === undefined || ts === undefined) return { problems };
  return {
    problems,
    summary: { meshFile, nodes: mesh.nodes.length, cells: mesh.cells.length, simulatedSeconds: ts, boundaryConditions: conditions.map((c) => `${c.number} ${c.type}`), files },
  };
}
