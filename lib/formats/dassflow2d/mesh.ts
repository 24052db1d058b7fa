/**
 * A `mesh_type = 'dassflow'` mesh (FORMATS.md §7.2): a comment line, `nn nc scale`, a comment line,
 * nn nodes `id x y z`, a comment line, nc cells `id n1 n2 n3 n4 land z` (n4 = 0 or n3 for a triangle),
 * a comment line, then the INLET and OUTLET blocks `keyword n_edges n_groups` and their edges
 * `cell local_edge ghost_flag ghost_bed [group]`. Comment lines are skipped by count, so the count is
 * what matters. The model uses ids as array indices: they must cover 1..nn and 1..nc.
 */
import { fortranNumber } from './numbers';
import type { CaseProblem } from './problems';

export interface MeshCell {
  readonly nodes: readonly number[];
  readonly land: number;
  readonly z: number;
}

export interface Mesh {
  readonly nodes: ReadonlyArray<{ readonly x: number; readonly y: number; readonly z: number }>;
  /** By id - 1. */
  readonly cells: readonly MeshCell[];
  readonly boundaries: ReadonlyMap<string, BoundaryBlock>;
}

export interface BoundaryBlock {
  readonly edges: number;
  readonly groups: number;
  readonly line: number;
  /** `cell` and `edge` 1-based as in the file; `group` 1 when the block has no groups. */
  readonly list: ReadonlyArray<{ readonly cell: number; readonly edge: number; readonly group: number }>;
}

const BLOCKS = ['INLET', 'OUTLET'] as const;

export function parseMesh(file: string, text: string): { mesh?: Mesh; problems: CaseProblem[] } {
  const problems: CaseProblem[] = [];
  const problem = (line: number | undefined, message: string, fix: string) => problems.push({ file, ...(line === undefined ? {} : { line }), message, fix });
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const tokensAt = (index: number): string[] =>
    (lines[index] ?? '')
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '');
  const header = tokensAt(1).map(fortranNumber);
  const [nn, nc] = header;
  if (nn === undefined || nc === undefined || !Number.isInteger(nn) || !Number.isInteger(nc) || nn < 3 || nc < 1) {
    problem(2, 'expected "nn nc scale" (node and cell counts) on line 2, after one comment line', 'e.g. "1891 1800 0."');
    return { problems };
  }
  const nodeStart = 3;
  const cellStart = nodeStart + nn + 1;
  const boundaryStart = cellStart + nc + 1;
  if (lines.length < boundaryStart) {
    problem(
      undefined,
      `the header announces ${nn} nodes and ${nc} cells, but the file has ${lines.length} lines`,
      'check the counts on line 2, or the comment lines between the sections',
    );
    return { problems };
  }
  const nodes = new Array<{ x: number; y: number; z: number } | undefined>(nn);
  for (let i = 0; i < nn; i++) {
    const at = nodeStart + i;
    const [id, x, y, z] = tokensAt(at).map(fortranNumber);
    if (id === undefined || x === undefined || y === undefined || z === undefined || [id, x, y, z].some((v) => !Number.isFinite(v))) {
      problem(at + 1, 'expected a node "id x y z"', 'write four numbers');
      continue;
    }
    if (!Number.isInteger(id) || id < 1 || id > nn) problem(at + 1, `node id ${id} is outside 1..${nn}`, 'number nodes 1 to nn: the model uses ids as array indices');
    else if (nodes[id - 1] !== undefined) problem(at + 1, `node ${id} is defined twice`, 'give each node its own id');
    else nodes[id - 1] = { x, y, z };
  }
  const missingNodes = nodes.flatMap((node, index) => (node === undefined ? [index + 1] : [])).slice(0, 5);
  if (missingNodes.length > 0) problem(undefined, `node ids missing: ${missingNodes.join(', ')}${missingNodes.length === 5 ? ', …' : ''}`, `ids must cover 1..${nn}`);
  const cells = new Array<MeshCell | undefined>(nc);
  for (let i = 0; i < nc; i++) {
    const at = cellStart + i;
    const values = tokensAt(at).map(fortranNumber);
    if (values.length < 7 || values.some((v) => !Number.isFinite(v))) {
      problem(at + 1, 'expected a cell "id n1 n2 n3 n4 land z"', 'write seven numbers (n4 = 0 for a triangle)');
      continue;
    }
    const [id = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0, land = 0, z = 0] = values;
    const corners = (n4 === 0 || n4 === n3 ? [n1, n2, n3] : [n1, n2, n3, n4]).map(Math.trunc);
    const outside = corners.filter((node) => node < 1 || node > nn);
    if (outside.length > 0) problem(at + 1, `cell ${id} uses node ${outside[0]}, outside 1..${nn}`, 'use existing node ids');
    if (!Number.isInteger(id) || id < 1 || id > nc) problem(at + 1, `cell id ${id} is outside 1..${nc}`, 'number cells 1 to nc: the model uses ids as array indices');
    else if (cells[id - 1] !== undefined) problem(at + 1, `cell ${id} is defined twice`, 'give each cell its own id');
    else cells[id - 1] = { nodes: corners, land: Math.trunc(land), z };
  }
  const missingCells = cells.flatMap((cell, index) => (cell === undefined ? [index + 1] : [])).slice(0, 5);
  if (missingCells.length > 0) problem(undefined, `cell ids missing: ${missingCells.join(', ')}${missingCells.length === 5 ? ', …' : ''}`, `ids must cover 1..${nc}`);

  const boundaries = new Map<string, BoundaryBlock>();
  for (let at = boundaryStart; at < lines.length; ) {
    const [keyword = '', edgesText = '', groupsText = '0'] = tokensAt(at);
    const edges = Number(edgesText);
    const groups = Number(groupsText);
    if (!BLOCKS.some((block) => block === keyword.toUpperCase()) || !Number.isInteger(edges) || edges < 0) {
      problem(
        at + 1,
        `expected a boundary block "INLET n_edges n_groups" or "OUTLET n_edges n_groups", found "${(lines[at] ?? '').trim().slice(0, 40)}"`,
        'list the inflow edges under INLET and the outflow edges under OUTLET',
      );
      break;
    }
    const list: Array<{ cell: number; edge: number; group: number }> = [];
    boundaries.set(keyword.toUpperCase(), { edges, groups, line: at + 1, list });
    for (let e = 1; e <= edges; e++) {
      const values = tokensAt(at + e).map(fortranNumber);
      const expected = groups > 0 ? 5 : 4;
      const [cell = Number.NaN, edge = Number.NaN] = values;
      list.push({ cell, edge, group: groups > 0 ? (values[4] ?? 1) : 1 });
      if (values.length < expected || values.some((v) => Number.isNaN(v)))
        problem(at + e + 1, `expected a ${keyword} edge "cell local_edge flag ghost_bed${groups > 0 ? ' group' : ''}"`, `write ${expected} numbers (with n_groups = ${groups})`);
      else if (!Number.isInteger(cell) || cell < 1 || cell > nc) problem(at + e + 1, `${keyword} edge on cell ${cell}, outside 1..${nc}`, 'use an existing cell id');
      else if (!Number.isInteger(edge) || edge < 1 || edge > 4)
        problem(at + e + 1, `${keyword} local edge ${edge} is not 1..4`, 'local edge k joins node k to node k+1 of the cell');
    }
    at += edges + 1;
  }
  for (const block of BLOCKS)
    if (!boundaries.has(block))
      problem(undefined, `no ${block} block: DassFlow-2D needs both an INLET and an OUTLET`, `add "${block} <n_edges> <n_groups>" and its edges after the cells`);
  if (problems.length > 0 && (missingCells.length > 0 || missingNodes.length > 0)) return { problems };
  return {
    mesh: {
      nodes: nodes.map((node) => node ?? { x: 0, y: 0, z: 0 }),
      cells: cells.map((cell) => cell ?? { nodes: [], land: 0, z: 0 }),
      boundaries,
    },
    problems,
  };
}
