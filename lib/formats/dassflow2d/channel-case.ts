/**
 * Writes a DassFlow-2D case (FORMATS.md §7): a straight channel of square cells sloping west to
 * east, a flood hydrograph in through the west edge (`discharg1`) and a Manning normal-depth rating
 * curve out of the east edge (`ratcurve`, the combination FORMATS.md §9 recommends). Used for the
 * example case and for tests that need a valid case without the shared sample.
 */
export interface ChannelCase {
  readonly nx: number;
  readonly ny: number;
  /** Cell size [m]. */
  readonly cell: number;
  /** Bed slope, west to east. */
  readonly slope: number;
  readonly manning: number;
  /** Simulated seconds. */
  readonly seconds: number;
  /** `[t s, Q m3/s]` */
  readonly hydrograph: ReadonlyArray<readonly [number, number]>;
}

const f = (value: number): string => value.toFixed(6);

export function channelCaseFiles(spec: ChannelCase): Record<string, string> {
  const { nx, ny, cell, slope, manning } = spec;
  const length = nx * cell;
  const bed = (x: number) => 1 + slope * (length - x);
  const node = (i: number, j: number) => j * (nx + 1) + i + 1;
  const nodes: string[] = [];
  for (let j = 0; j <= ny; j++) for (let i = 0; i <= nx; i++) nodes.push(`${node(i, j)} ${f(i * cell)} ${f(j * cell)} ${f(bed(i * cell))}`);
  const cells: string[] = [];
  const cellId = (i: number, j: number) => j * nx + i + 1;
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) cells.push(`${cellId(i, j)} ${node(i, j)} ${node(i + 1, j)} ${node(i + 1, j + 1)} ${node(i, j + 1)} 1 ${f(bed((i + 0.5) * cell))}`);
  // Edge 4 joins node 4 to node 1: the west side; edge 2 the east side.
  const inlet = Array.from({ length: ny }, (_, j) => `${cellId(0, j)} 4 -99 ${f(bed(0))} 1`);
  const outlet = Array.from({ length: ny }, (_, j) => `${cellId(nx - 1, j)} 2 -99 ${f(bed(length))} 1`);
  const mesh = [
    `# Channel ${nx}x${ny}, ${cell} m cells, slope ${slope} (written by Orchestra)`,
    `${nodes.length} ${cells.length} 0.`,
    '# Nodes ||| id x y bathy',
    ...nodes,
    '# Cells ||| id n1 n2 n3 n4 land bathy',
    ...cells,
    '# Boundary conditions ||| cell local_edge flag ghost_bed group',
    `INLET ${ny} 1`,
    ...inlet,
    `OUTLET ${ny} 1`,
    ...outlet,
  ].join('\n');
  // Normal depth in a wide channel: Q = (1/n) · width · h^(5/3) · sqrt(slope).
  const width = ny * cell;
  const outletBed = bed(length);
  const rating = Array.from({ length: 61 }, (_, k) => {
    const h = k * 0.05;
    return `${f(outletBed + h)} ${f((width * h ** (5 / 3) * Math.sqrt(slope)) / manning)}`;
  });
  const comments = (what: string) => ['!===!', `!  ${what}`, '!===!'];
  return {
    'input.txt': [
      '&list_input',
      "\tmesh_type\t=\t'dassflow',",
      "\tmesh_name\t=\t'channel.geo',",
      `\tts\t\t=\t${spec.seconds}.,`,
      `\tdtw\t\t=\t${Math.max(60, Math.round(spec.seconds / 6))}.,`,
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
    'channel.geo': mesh,
    'bc.txt': [...comments('Number of boundary conditions'), '2', ...comments('List of boundary conditions'), '1\tdischarg1\tfile', '2\tratcurve\tfile'].join('\n'),
    'land_uses.txt': [...comments('Number of land uses'), '1', ...comments('id manning_alpha manning_beta'), `1 ${manning} 0`].join('\n'),
    'hydrograph.txt': [
      ...comments('Number of hydrographs'),
      '1',
      ...comments('Hydrograph 1: time [s]  Q [m3/s]'),
      String(spec.hydrograph.length),
      ...spec.hydrograph.map(([t, q]) => `${t.toFixed(1)} ${q.toFixed(4)}`),
    ].join('\n'),
    'rating_curve.txt': [...comments('Number of rating curves'), '1', ...comments('Rating curve 1: n z_rat_ref, then zs [m] Q [m3/s]'), '61 0.0', ...rating].join('\n'),
  };
}
