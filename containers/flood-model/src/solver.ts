/**
 * A 2D local-inertial shallow-water solver (Bates, Horritt & Fewtrell 2010, the LISFLOOD-FP scheme),
 * a small stand-in for DassFlow-2D: water depth on the DEM's cells, unit-width discharges on the
 * faces between them, explicit time steps bounded by the CFL condition. Mass is conserved exactly:
 * every flux leaves one cell and enters another, a cell never gives more water than it holds, and
 * inflow and outflow volumes are accounted for.
 */
import type { AsciiGrid } from '../../../functions/flood/commons/ascii-grid';
import type { HydrographPoint, ModelSettings } from '../../../functions/flood/commons/flood-inputs';

const G = 9.81;
/** Courant number: 0.7 is the usual safe choice for this scheme. */
const ALPHA = 0.7;
/** Depths below this carry no flow (wetting/drying threshold, metres). */
const DRY_DEPTH = 1e-3;
const MAX_DT = 10;

export interface FloodResult {
  readonly maxDepth: Float64Array;
  readonly finalDepth: Float64Array;
  readonly steps: number;
  readonly simulatedSeconds: number;
  readonly inflowVolumeM3: number;
  readonly outflowVolumeM3: number;
  readonly storedVolumeM3: number;
  /** (inflow − outflow − stored) / inflow. */
  readonly massBalanceError: number;
  readonly maxDepthM: number;
  readonly wetCells: number;
}

/** Discharge at time t: linear between points, the first value before them and the last one after. */
export function dischargeAt(hydrograph: readonly HydrographPoint[], t: number): number {
  const first = hydrograph[0] as HydrographPoint;
  if (t <= first.timeSeconds) return first.dischargeM3s;
  for (let i = 1; i < hydrograph.length; i++) {
    const b = hydrograph[i] as HydrographPoint;
    if (t <= b.timeSeconds) {
      const a = hydrograph[i - 1] as HydrographPoint;
      return a.dischargeM3s + ((b.dischargeM3s - a.dischargeM3s) * (t - a.timeSeconds)) / (b.timeSeconds - a.timeSeconds);
    }
  }
  return (hydrograph[hydrograph.length - 1] as HydrographPoint).dischargeM3s;
}

/** Exact volume of inflow between t0 and t1 (trapezoids of the piecewise-linear hydrograph). */
function inflowVolume(hydrograph: readonly HydrographPoint[], t0: number, t1: number): number {
  return ((dischargeAt(hydrograph, t0) + dischargeAt(hydrograph, t1)) / 2) * (t1 - t0);
}

export type SolverProgress = (simulatedSeconds: number, durationSeconds: number) => void;

export function simulateFlood(dem: AsciiGrid, hydrograph: readonly HydrographPoint[], settings: ModelSettings, onProgress?: SolverProgress): FloodResult {
  const { ncols: nx, nrows: ny, cellsize: dx, nodata } = dem;
  const n = nx * ny;
  const z = dem.values;
  const wall = new Uint8Array(n);
  for (let i = 0; i < n; i++) wall[i] = z[i] === nodata ? 1 : 0;
  const h = new Float64Array(n);
  const maxDepth = new Float64Array(n);
  const qx = new Float64Array(ny * (nx - 1)); // face between (r,c) and (r,c+1), positive eastwards
  const qy = new Float64Array((ny - 1) * nx); // face between (r,c) and (r+1,c), positive southwards
  const outflow = new Float64Array(ny); // east edge, per row
  const out = new Float64Array(n); // volume leaving each cell this step
  const n2 = settings.manning * settings.manning;
  const inflowCell = settings.inflow.row * nx + settings.inflow.col;
  const area = dx * dx;

  let t = 0;
  let steps = 0;
  let inflowTotal = 0;
  let outflowTotal = 0;
  let nextProgress = 0;

  const faceFlux = (q: number, i: number, j: number, dt: number): number => {
    if (wall[i] === 1 || wall[j] === 1) return 0;
    const etaI = (z[i] as number) + (h[i] as number);
    const etaJ = (z[j] as number) + (h[j] as number);
    const hFlow = Math.max(etaI, etaJ) - Math.max(z[i] as number, z[j] as number);
    if (hFlow <= DRY_DEPTH) return 0;
    const slope = (etaJ - etaI) / dx;
    return (q - G * hFlow * dt * slope) / (1 + (G * dt * n2 * Math.abs(q)) / hFlow ** (7 / 3));
  };

  while (t < settings.durationSeconds) {
    let hMax = DRY_DEPTH;
    for (let i = 0; i < n; i++) if ((h[i] as number) > hMax) hMax = h[i] as number;
    let dt = Math.min(MAX_DT, (ALPHA * dx) / Math.sqrt(G * hMax), settings.durationSeconds - t);

    // Momentum: new face discharges.
    for (let r = 0; r < ny; r++) for (let c = 0; c < nx - 1; c++) qx[r * (nx - 1) + c] = faceFlux(qx[r * (nx - 1) + c] as number, r * nx + c, r * nx + c + 1, dt);
    for (let r = 0; r < ny - 1; r++) for (let c = 0; c < nx; c++) qy[r * nx + c] = faceFlux(qy[r * nx + c] as number, r * nx + c, (r + 1) * nx + c, dt);
    for (let r = 0; r < ny; r++) {
      const i = r * nx + nx - 1;
      const depth = h[i] as number;
      outflow[r] = wall[i] === 0 && settings.outflowSlope > 0 && depth > DRY_DEPTH ? (depth ** (5 / 3) * Math.sqrt(settings.outflowSlope)) / settings.manning : 0;
    }

    // Never let a cell give more than it holds: scale its outgoing fluxes down.
    out.fill(0);
    const scale = dt / dx;
    for (let r = 0; r < ny; r++) {
      for (let c = 0; c < nx - 1; c++) {
        const q = qx[r * (nx - 1) + c] as number;
        if (q > 0) out[r * nx + c] = (out[r * nx + c] as number) + q * scale;
        else out[r * nx + c + 1] = (out[r * nx + c + 1] as number) - q * scale;
      }
      out[r * nx + nx - 1] = (out[r * nx + nx - 1] as number) + (outflow[r] as number) * scale;
    }
    for (let r = 0; r < ny - 1; r++) {
      for (let c = 0; c < nx; c++) {
        const q = qy[r * nx + c] as number;
        if (q > 0) out[r * nx + c] = (out[r * nx + c] as number) + q * scale;
        else out[(r + 1) * nx + c] = (out[(r + 1) * nx + c] as number) - q * scale;
      }
    }
    const limit = (from: number): number => ((out[from] as number) > (h[from] as number) ? (h[from] as number) / (out[from] as number) : 1);
    for (let r = 0; r < ny; r++) {
      for (let c = 0; c < nx - 1; c++) {
        const f = r * (nx - 1) + c;
        const q = qx[f] as number;
        qx[f] = q * limit(q > 0 ? r * nx + c : r * nx + c + 1);
      }
      outflow[r] = (outflow[r] as number) * limit(r * nx + nx - 1);
    }
    for (let r = 0; r < ny - 1; r++) {
      for (let c = 0; c < nx; c++) {
        const f = r * nx + c;
        const q = qy[f] as number;
        qy[f] = q * limit(q > 0 ? r * nx + c : (r + 1) * nx + c);
      }
    }

    // Continuity.
    for (let r = 0; r < ny; r++) {
      for (let c = 0; c < nx - 1; c++) {
        const v = (qx[r * (nx - 1) + c] as number) * scale;
        h[r * nx + c] = (h[r * nx + c] as number) - v;
        h[r * nx + c + 1] = (h[r * nx + c + 1] as number) + v;
      }
      const v = (outflow[r] as number) * scale;
      h[r * nx + nx - 1] = (h[r * nx + nx - 1] as number) - v;
      outflowTotal += v * area;
    }
    for (let r = 0; r < ny - 1; r++) {
      for (let c = 0; c < nx; c++) {
        const v = (qy[r * nx + c] as number) * scale;
        h[r * nx + c] = (h[r * nx + c] as number) - v;
        h[(r + 1) * nx + c] = (h[(r + 1) * nx + c] as number) + v;
      }
    }
    const volumeIn = inflowVolume(hydrograph, t, t + dt);
    h[inflowCell] = (h[inflowCell] as number) + volumeIn / area;
    inflowTotal += volumeIn;

    for (let i = 0; i < n; i++) {
      if ((h[i] as number) < 0) h[i] = 0; // round-off only: the limiter keeps depths non-negative
      if ((h[i] as number) > (maxDepth[i] as number)) maxDepth[i] = h[i] as number;
    }
    t += dt;
    steps++;
    if (onProgress !== undefined && t >= nextProgress) {
      onProgress(t, settings.durationSeconds);
      nextProgress += settings.durationSeconds / 10;
    }
    dt = 0;
  }

  let stored = 0;
  let deepest = 0;
  let wet = 0;
  for (let i = 0; i < n; i++) {
    stored += (h[i] as number) * area;
    if ((maxDepth[i] as number) > deepest) deepest = maxDepth[i] as number;
    if ((maxDepth[i] as number) > 0.01) wet++;
  }
  return {
    maxDepth,
    finalDepth: h,
    steps,
    simulatedSeconds: t,
    inflowVolumeM3: inflowTotal,
    outflowVolumeM3: outflowTotal,
    storedVolumeM3: stored,
    massBalanceError: inflowTotal === 0 ? 0 : (inflowTotal - outflowTotal - stored) / inflowTotal,
    maxDepthM: deepest,
    wetCells: wet,
  };
}
