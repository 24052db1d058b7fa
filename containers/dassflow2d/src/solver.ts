/**
 * The built-in solver for DassFlow-2D cases, for machines without the real executable: it reads the
 * same case files and writes `res/result_*.dat` and `res/post/*` in DassFlow-2D's formats. It is a
 * first-order finite-volume shallow-water scheme like DassFlow-2D's default `euler`/`first_b1`: HLL
 * fluxes with hydrostatic reconstruction over the mesh's edges, a CFL-adaptive time step, Manning
 * friction (semi-implicit), wetting and drying under `heps`. Boundaries as in FORMATS.md: unlisted
 * edges are walls; an INLET group takes its hydrograph's discharge (`discharg1`), split over its wet
 * edges in proportion to h^(5/3)·length; an OUTLET group gives the rating curve's discharge at its
 * mean water-surface elevation (`ratcurve`). Written here because no library solves these equations
 * on this mesh format; it is a stand-in, not DassFlow-2D (the closing note compares the two).
 */
import type { Mesh } from '../../../lib/formats/dassflow2d/mesh';

export interface SolverCase {
  readonly mesh: Mesh;
  /** Manning n by land id. */
  readonly manning: ReadonlyMap<number, number>;
  /** Per boundary number (bc.txt): its type and, for discharg1/ratcurve, its series. */
  readonly boundaries: ReadonlyMap<number, { readonly type: string; readonly series?: ReadonlyArray<readonly [number, number]> }>;
  readonly settings: { readonly ts: number; readonly dtw: number; readonly dtp: number; readonly cfl: number; readonly heps: number; readonly g: number };
}

export interface SolverOutput {
  /** File name under res/ → text. */
  readonly files: ReadonlyMap<string, string>;
  readonly steps: number;
  readonly volumeIn: number;
  readonly volumeOut: number;
  readonly finalVolume: number;
}

/** Fortran ESw.d: `d.ddddddddE+xx` right-aligned in w characters. */
export function fortranEs(value: number, width: number, digits: number): string {
  if (!Number.isFinite(value)) return (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity').padStart(width);
  const [mantissa = '0', exponent = '0'] = value.toExponential(digits).split('e');
  const e = Number(exponent);
  const digitsOfExponent = Math.abs(e) >= 100 ? String(Math.abs(e)) : String(Math.abs(e)).padStart(2, '0');
  return `${mantissa}E${e < 0 ? '-' : '+'}${digitsOfExponent}`.padStart(width);
}

const interpolate = (series: ReadonlyArray<readonly [number, number]>, x: number): number => {
  const first = series[0];
  const last = series[series.length - 1];
  if (first === undefined || last === undefined) return 0;
  if (x <= first[0]) return first[1];
  if (x >= last[0]) return last[1];
  for (let i = 1; i < series.length; i++) {
    const [x1, y1] = series[i] ?? last;
    const [x0, y0] = series[i - 1] ?? first;
    if (x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return last[1];
};

interface Edge {
  readonly left: number;
  /** Neighbour cell, or -1 on the boundary. */
  readonly right: number;
  readonly length: number;
  readonly nx: number;
  readonly ny: number;
  /** INLET/OUTLET group boundary number, 0 for a wall or an interior edge. */
  readonly bc: number;
}

function edgesOf(mesh: Mesh, bcOf: (cell: number, edge: number) => number): { edges: Edge[]; area: Float64Array; perimeter: Float64Array } {
  const cells = mesh.cells.length;
  const area = new Float64Array(cells);
  const perimeter = new Float64Array(cells);
  const byNodes = new Map<string, { cell: number; nx: number; ny: number; length: number; edge: number }>();
  const edges: Edge[] = [];
  mesh.cells.forEach((cell, c) => {
    const corners = cell.nodes.map((id) => mesh.nodes[id - 1] ?? { x: 0, y: 0, z: 0 });
    let twice = 0;
    corners.forEach((a, k) => {
      const b = corners[(k + 1) % corners.length] ?? a;
      twice += a.x * b.y - b.x * a.y;
    });
    area[c] = Math.abs(twice) / 2;
    const ccw = twice > 0 ? 1 : -1;
    cell.nodes.forEach((id, k) => {
      const nextId = cell.nodes[(k + 1) % cell.nodes.length] ?? id;
      const a = mesh.nodes[id - 1] ?? { x: 0, y: 0 };
      const b = mesh.nodes[nextId - 1] ?? { x: 0, y: 0 };
      const length = Math.hypot(b.x - a.x, b.y - a.y);
      perimeter[c] = (perimeter[c] ?? 0) + length;
      const key = id < nextId ? `${id}-${nextId}` : `${nextId}-${id}`;
      const other = byNodes.get(key);
      // Outward normal of edge a→b for a counter-clockwise cell.
      const nx = (ccw * (b.y - a.y)) / length;
      const ny = (ccw * -(b.x - a.x)) / length;
      if (other === undefined) byNodes.set(key, { cell: c, nx, ny, length, edge: k + 1 });
      else {
        byNodes.delete(key);
        edges.push({ left: c, right: other.cell, length, nx, ny, bc: 0 });
      }
    });
  });
  // Edges no second cell shares are the boundary: listed ones are INLET/OUTLET, the rest walls.
  for (const { cell, nx, ny, length, edge } of byNodes.values()) edges.push({ left: cell, right: -1, length, nx, ny, bc: bcOf(cell, edge) });
  return { edges, area, perimeter };
}

/** HLL flux across an edge, in the edge's normal frame: [mass, normal momentum, tangential momentum] per unit length. */
function hll(hL: number, unL: number, utL: number, hR: number, unR: number, utR: number, g: number): [number, number, number] {
  if (hL <= 0 && hR <= 0) return [0, 0, 0];
  const cL = Math.sqrt(g * hL);
  const cR = Math.sqrt(g * hR);
  const sL = hL <= 0 ? unR - 2 * cR : Math.min(unL - cL, unR - cR);
  const sR = hR <= 0 ? unL + 2 * cL : Math.max(unL + cL, unR + cR);
  const fL: [number, number, number] = [hL * unL, hL * unL * unL + 0.5 * g * hL * hL, hL * unL * utL];
  const fR: [number, number, number] = [hR * unR, hR * unR * unR + 0.5 * g * hR * hR, hR * unR * utR];
  if (sL >= 0) return fL;
  if (sR <= 0) return fR;
  const qL = [hL, hL * unL, hL * utL];
  const qR = [hR, hR * unR, hR * utR];
  return [0, 1, 2].map((i) => (sR * (fL[i] ?? 0) - sL * (fR[i] ?? 0) + sL * sR * ((qR[i] ?? 0) - (qL[i] ?? 0))) / (sR - sL)) as [number, number, number];
}

export function solve(input: SolverCase, progress: (line: string) => void = () => undefined): SolverOutput {
  const { mesh, settings } = input;
  const { g, heps, cfl, ts } = settings;
  const n = mesh.cells.length;
  const bcOfEdge = new Map<string, number>();
  const inletGroups = Math.max(1, mesh.boundaries.get('INLET')?.groups ?? 0);
  for (const [block, data] of mesh.boundaries)
    for (const { cell, edge, group } of data.list) {
      const number = block === 'INLET' ? (data.groups === 0 ? 1 : group) : data.groups === 0 ? 2 : inletGroups + group;
      bcOfEdge.set(`${cell - 1}:${edge}`, number);
    }
  const { edges, area, perimeter } = edgesOf(mesh, (cell, edge) => bcOfEdge.get(`${cell}:${edge}`) ?? 0);
  const z = Float64Array.from(mesh.cells, (cell) => cell.z);
  const manning = Float64Array.from(mesh.cells, (cell) => input.manning.get(cell.land) ?? 0.033);
  const h = new Float64Array(n);
  const hu = new Float64Array(n);
  const hv = new Float64Array(n);
  const files = new Map<string, string>();
  const centroid = mesh.cells.map((cell) => {
    const corners = cell.nodes.map((id) => mesh.nodes[id - 1] ?? { x: 0, y: 0, z: 0 });
    return { x: corners.reduce((s, p) => s + p.x, 0) / corners.length, y: corners.reduce((s, p) => s + p.y, 0) / corners.length };
  });
  const snapshot = (name: string) => {
    const rows = [' # Gnuplot DataFile Version', ' # i x y bathy h zs Manning u v'];
    for (let i = 0; i < n; i++) {
      const depth = h[i] ?? 0;
      const u = depth > heps ? (hu[i] ?? 0) / depth : 0;
      const v = depth > heps ? (hv[i] ?? 0) / depth : 0;
      const id = i + 1 > 99_999 ? '*****' : String(i + 1).padStart(5);
      rows.push([id, ...[centroid[i]?.x ?? 0, centroid[i]?.y ?? 0, z[i] ?? 0, depth, (z[i] ?? 0) + depth, manning[i] ?? 0, u, v].map((x) => fortranEs(x, 15, 8))].join(' '));
    }
    files.set(name, `${rows.join('\n')}\n`);
  };
  const volume = () => h.reduce((sum, depth, i) => sum + depth * (area[i] ?? 0), 0);
  const post = new Map<string, string[]>();
  const record = (name: string, t: number, value: number) => {
    const lines = post.get(name) ?? [`# time ${name}`];
    lines.push(`  ${t.toExponential(15).replace('e', 'E')}  ${value.toExponential(15).replace('e', 'E')}`);
    post.set(name, lines);
  };
  const dischargeBcs = [...input.boundaries].filter(([, bc]) => bc.type === 'discharg1');
  const ratingBcs = [...input.boundaries].filter(([, bc]) => bc.type === 'ratcurve');
  const edgesOfBc = (number: number) => edges.filter((edge) => edge.bc === number);

  snapshot('result_initial.dat');
  let t = 0;
  let steps = 0;
  let nextWrite = settings.dtw;
  let nextPost = 0;
  let nextPercent = 0;
  let volumeIn = 0;
  let volumeOut = 0;
  const dM = new Float64Array(n);
  const dU = new Float64Array(n);
  const dV = new Float64Array(n);
  /**
   * `inflow` m³/s into the cell through a boundary edge (negative: out), carried at `depth`: its mass,
   * and the momentum and pressure of water crossing the edge at that depth.
   */
  const exchange = (edge: Edge, inflow: number, depth: number): void => {
    const un = -inflow / (edge.length * depth);
    dM[edge.left] = (dM[edge.left] ?? 0) + inflow;
    const momentum = (depth * un * un + 0.5 * g * depth * depth) * edge.length;
    dU[edge.left] = (dU[edge.left] ?? 0) - momentum * edge.nx;
    dV[edge.left] = (dV[edge.left] ?? 0) - momentum * edge.ny;
  };
  while (t < ts - 1e-9) {
    // CFL time step over the characteristic length 4·area/perimeter (the edge length of a square cell).
    let dt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const depth = h[i] ?? 0;
      const speed = depth > heps ? Math.hypot((hu[i] ?? 0) / depth, (hv[i] ?? 0) / depth) + Math.sqrt(g * depth) : Math.sqrt(g * 0.1);
      dt = Math.min(dt, (cfl * 2 * (area[i] ?? 1)) / (perimeter[i] ?? 1) / speed);
    }
    dt = Math.min(dt, ts - t, 60);
    dM.fill(0);
    dU.fill(0);
    dV.fill(0);
    let stepIn = 0;
    let stepOut = 0;
    for (const edge of edges) {
      const { left: i, right: j, length, nx, ny } = edge;
      const hi = h[i] ?? 0;
      const ui = hi > heps ? (hu[i] ?? 0) / hi : 0;
      const vi = hi > heps ? (hv[i] ?? 0) / hi : 0;
      const uni = ui * nx + vi * ny;
      const uti = -ui * ny + vi * nx;
      let flux: [number, number, number];
      let sourceLeft = 0;
      if (j >= 0) {
        const hj = h[j] ?? 0;
        const uj = hj > heps ? (hu[j] ?? 0) / hj : 0;
        const vj = hj > heps ? (hv[j] ?? 0) / hj : 0;
        // Hydrostatic reconstruction (Audusse et al. 2004): well balanced at rest, depths stay ≥ 0.
        const zStar = Math.max(z[i] ?? 0, z[j] ?? 0);
        const hiStar = Math.max(0, hi + (z[i] ?? 0) - zStar);
        const hjStar = Math.max(0, hj + (z[j] ?? 0) - zStar);
        flux = hll(hiStar, uni, uti, hjStar, uj * nx + vj * ny, -uj * ny + vj * nx, g);
        sourceLeft = 0.5 * g * (hi * hi - hiStar * hiStar);
        const sourceRight = 0.5 * g * (hj * hj - hjStar * hjStar);
        // The right cell sees the same flux entering, with its own pressure correction.
        dM[j] = (dM[j] ?? 0) + flux[0] * length;
        dU[j] = (dU[j] ?? 0) + ((flux[1] + sourceRight) * nx - flux[2] * ny) * length;
        dV[j] = (dV[j] ?? 0) + ((flux[1] + sourceRight) * ny + flux[2] * nx) * length;
      } else if (edge.bc === 0) {
        flux = [0, 0.5 * g * hi * hi, 0];
      } else continue;
      dM[i] = (dM[i] ?? 0) - flux[0] * length;
      dU[i] = (dU[i] ?? 0) - ((flux[1] + sourceLeft) * nx - flux[2] * ny) * length;
      dV[i] = (dV[i] ?? 0) - ((flux[1] + sourceLeft) * ny + flux[2] * nx) * length;
    }
    // Inflow: the hydrograph's discharge over the group's edges, in proportion to h^(5/3)·length (all edges while dry).
    dischargeBcs.forEach(([number, bc]) => {
      const inlet = edgesOfBc(number);
      const q = interpolate(bc.series ?? [], t + dt / 2);
      const weights = inlet.map((edge) => (h[edge.left] ?? 0) ** (5 / 3) * edge.length);
      const total = weights.reduce((a, b) => a + b, 0);
      inlet.forEach((edge, k) => {
        const share = total > 0 ? (weights[k] ?? 0) / total : edge.length / inlet.reduce((a, e) => a + e.length, 0);
        const qe = q * share;
        const depth = Math.max(h[edge.left] ?? 0, 0.1);
        exchange(edge, qe, depth);
        stepIn += qe * dt;
      });
    });
    // Outflow: the rating curve's discharge at the group's mean water-surface elevation.
    ratingBcs.forEach(([number, bc]) => {
      const outlet = edgesOfBc(number);
      const wet = outlet.filter((edge) => (h[edge.left] ?? 0) > heps);
      if (wet.length === 0) return;
      const zs = wet.reduce((s, e) => s + (h[e.left] ?? 0) + (z[e.left] ?? 0), 0) / wet.length;
      const q = Math.max(0, interpolate(bc.series ?? [], zs));
      const weights = wet.map((edge) => (h[edge.left] ?? 0) ** (5 / 3) * edge.length);
      const total = weights.reduce((a, b) => a + b, 0);
      wet.forEach((edge, k) => {
        const depth = h[edge.left] ?? 0;
        // Never take more than the cell holds in one step.
        const qe = Math.min((q * (weights[k] ?? 0)) / total, (0.9 * depth * (area[edge.left] ?? 0)) / dt);
        exchange(edge, -qe, depth);
        stepOut += qe * dt;
      });
    });
    for (let i = 0; i < n; i++) {
      const a = area[i] ?? 1;
      let depth = (h[i] ?? 0) + (dt * (dM[i] ?? 0)) / a;
      let mu = (hu[i] ?? 0) + (dt * (dU[i] ?? 0)) / a;
      let mv = (hv[i] ?? 0) + (dt * (dV[i] ?? 0)) / a;
      if (depth <= heps) {
        depth = Math.max(depth, 0);
        mu = 0;
        mv = 0;
      } else {
        // Manning friction, semi-implicit: stable however shallow the cell.
        const speed = Math.hypot(mu, mv) / depth;
        const factor = 1 + (dt * g * (manning[i] ?? 0) ** 2 * speed) / depth ** (4 / 3);
        mu /= factor;
        mv /= factor;
      }
      h[i] = depth;
      hu[i] = mu;
      hv[i] = mv;
    }
    t += dt;
    steps++;
    volumeIn += stepIn;
    volumeOut += stepOut;
    if (t >= nextPost - 1e-9) {
      record('water_vol', t, volume());
      record('time_step', t, dt);
      for (const [number] of dischargeBcs) record(`sum_mass_flux_inflow_${String(number).padStart(3, '0')}`, t, stepIn / dt);
      for (const [number] of ratingBcs) record(`sum_mass_flux_outflow_${String(number).padStart(3, '0')}`, t, stepOut / dt);
      nextPost += settings.dtp;
    }
    if (t >= nextWrite && t < ts - 1e-9) {
      snapshot(`result_${fortranEs(t, 12, 6).trim()}.dat`);
      nextWrite += settings.dtw;
    }
    const percent = (100 * t) / ts;
    if (percent >= nextPercent - 1e-9 || t >= ts - 1e-9) {
      progress(`nt = ${String(steps).padStart(8)} t = ${fortranEs(t, 11, 5)} / ${fortranEs(ts, 11, 5)} ( ${percent.toFixed(1).padStart(5)} % ) , dt = ${fortranEs(dt, 13, 6)}`);
      while (nextPercent <= percent + 1e-9) nextPercent += 1;
    }
  }
  snapshot('result_final.dat');
  for (const [name, lines] of post) files.set(`post/${name}.dat`, `${lines.join('\n')}\n`);
  return { files, steps, volumeIn, volumeOut, finalVolume: volume() };
}
