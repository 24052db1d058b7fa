/**
 * Writes DassFlow-2D cases (FORMATS.md §7) on a grid of square cells: any bed, any land uses, a flood
 * hydrograph in through chosen cells of the west edge (`discharg1`) and a Manning normal-depth rating
 * curve out of the whole east edge (`ratcurve`, the combination FORMATS.md §9 recommends — `transm`
 * misbehaves with the default scheme). Used for the example case (scripts/flood-example.ts) and for
 * tests that need a valid case without the shared sample.
 */
import { extentOf } from '../../shared/extent';

export interface GridCase {
  readonly nx: number;
  readonly ny: number;
  /** Cell size [m]. */
  readonly cell: number;
  /** South-west corner in the case's CRS [m]. */
  readonly origin?: readonly [number, number];
  /** Bed elevation [m] at a point, in metres from the origin (x east, y north). */
  readonly bed: (x: number, y: number) => number;
  /** Manning's n per land-use id (ids from 1). */
  readonly manning: readonly number[];
  /** The land-use id (1-based) of the cell centred at (x, y); 1 everywhere when absent. */
  readonly landUse?: (x: number, y: number) => number;
  /** Whether the west-edge cell of row j takes the inflow; every row when absent. */
  readonly inlet?: (j: number) => boolean;
  /** Friction slope for the outlet's normal-depth rating curve (usually the bed slope). */
  readonly outletSlope: number;
  /** Simulated seconds, and how often a result_*.dat is written. */
  readonly seconds: number;
  readonly snapshotEverySeconds?: number;
  /** `[t s, Q m3/s]` */
  readonly hydrograph: ReadonlyArray<readonly [number, number]>;
  readonly meshName: string;
  readonly title: string;
}

const f = (value: number): string => value.toFixed(6);
const comments = (what: string): string[] => ['!===!', `!  ${what}`, '!===!'];

export function gridCaseFiles(spec: GridCase): Record<string, string> {
  const { nx, ny, cell, bed } = spec;
  const [x0, y0] = spec.origin ?? [0, 0];
  const landUse = spec.landUse ?? (() => 1);
  const node = (i: number, j: number) => j * (nx + 1) + i + 1;
  const cellId = (i: number, j: number) => j * nx + i + 1;
  const centreBed = (i: number, j: number) => bed((i + 0.5) * cell, (j + 0.5) * cell);
  const nodes: string[] = [];
  for (let j = 0; j <= ny; j++) for (let i = 0; i <= nx; i++) nodes.push(`${node(i, j)} ${f(x0 + i * cell)} ${f(y0 + j * cell)} ${f(bed(i * cell, j * cell))}`);
  const cells: string[] = [];
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++)
      cells.push(`${cellId(i, j)} ${node(i, j)} ${node(i + 1, j)} ${node(i + 1, j + 1)} ${node(i, j + 1)} ${landUse((i + 0.5) * cell, (j + 0.5) * cell)} ${f(centreBed(i, j))}`);
  // Edge 4 joins node 4 to node 1: the west side; edge 2 the east side.
  const inletRows = Array.from({ length: ny }, (_, j) => j).filter((j) => spec.inlet?.(j) ?? true);
  const inlet = inletRows.map((j) => `${cellId(0, j)} 4 -99 ${f(bed(0, (j + 0.5) * cell))} 1`);
  const outlet = Array.from({ length: ny }, (_, j) => `${cellId(nx - 1, j)} 2 -99 ${f(bed(nx * cell, (j + 0.5) * cell))} 1`);
  const mesh = [
    `# ${spec.title} (written by Orchestra)`,
    `${nodes.length} ${cells.length} 0.`,
    '# Nodes ||| id x y bathy',
    ...nodes,
    '# Cells ||| id n1 n2 n3 n4 land bathy',
    ...cells,
    '# Boundary conditions ||| cell local_edge flag ghost_bed group',
    `INLET ${inlet.length} 1`,
    ...inlet,
    `OUTLET ${outlet.length} 1`,
    ...outlet,
  ].join('\n');
  // Normal depth across the outlet section: Q(zs) = Σ (1/n) · cell · (zs − z)^(5/3) · sqrt(slope).
  const section = Array.from({ length: ny }, (_, j) => ({ z: bed(nx * cell, (j + 0.5) * cell), n: spec.manning[landUse((nx - 0.5) * cell, (j + 0.5) * cell) - 1] ?? 0.035 }));
  const lowest = extentOf(section.map((s) => s.z)).min;
  const rating = Array.from({ length: 81 }, (_, k) => {
    const zs = lowest + k * 0.1;
    const q = section.reduce((sum, { z, n }) => sum + (zs > z ? (cell * (zs - z) ** (5 / 3) * Math.sqrt(spec.outletSlope)) / n : 0), 0);
    return `${f(zs)} ${f(q)}`;
  });
  return {
    'input.txt': [
      '&list_input',
      "\tmesh_type\t=\t'dassflow',",
      `\tmesh_name\t=\t'${spec.meshName}',`,
      `\tts\t\t=\t${spec.seconds}.,`,
      `\tdtw\t\t=\t${spec.snapshotEverySeconds ?? Math.max(60, Math.round(spec.seconds / 6))}.,`,
      '\tdtp\t\t=\t60.,',
      "\ttemp_scheme\t=\t'euler',",
      "\tspatial_scheme\t=\t'first_b1',",
      '\tadapt_dt\t=\t1,',
      '\tcfl\t\t=\t0.8,',
      '\theps\t\t=\t0.001,',
      '\tfriction\t=\t1,',
      '\tg\t\t=\t9.81,',
      '\tw_gnuplot\t=\t1,',
      '/',
    ].join('\n'),
    [spec.meshName]: mesh,
    'bc.txt': [...comments('Number of boundary conditions'), '2', ...comments('List of boundary conditions'), '1\tdischarg1\tfile', '2\tratcurve\tfile'].join('\n'),
    'land_uses.txt': [
      ...comments('Number of land uses'),
      String(spec.manning.length),
      ...comments('id manning_alpha manning_beta'),
      ...spec.manning.map((n, k) => `${k + 1} ${n} 0`),
    ].join('\n'),
    'hydrograph.txt': [
      ...comments('Number of hydrographs'),
      '1',
      ...comments('Hydrograph 1: time [s]  Q [m3/s]'),
      String(spec.hydrograph.length),
      ...spec.hydrograph.map(([t, q]) => `${t.toFixed(1)} ${q.toFixed(4)}`),
    ].join('\n'),
    'rating_curve.txt': [...comments('Number of rating curves'), '1', ...comments('Rating curve 1: n z_rat_ref, then zs [m] Q [m3/s]'), `${rating.length} 0.0`, ...rating].join(
      '\n',
    ),
  };
}

export interface ChannelCase {
  readonly nx: number;
  readonly ny: number;
  readonly cell: number;
  /** Bed slope, west to east. */
  readonly slope: number;
  readonly manning: number;
  readonly seconds: number;
  readonly hydrograph: ReadonlyArray<readonly [number, number]>;
}

/** A straight rectangular channel sloping west to east, the inflow over the whole west edge. */
export function channelCaseFiles(spec: ChannelCase): Record<string, string> {
  const length = spec.nx * spec.cell;
  return gridCaseFiles({
    ...spec,
    bed: (x) => 1 + spec.slope * (length - x),
    manning: [spec.manning],
    outletSlope: spec.slope,
    meshName: 'channel.geo',
    title: `Channel ${spec.nx}x${spec.ny}, ${spec.cell} m cells, slope ${spec.slope}`,
  });
}
