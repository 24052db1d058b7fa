/**
 * The flood example: a DassFlow-2D case generated (never hand-edited) — a 2 km valley reach with a
 * meandering river channel in a floodplain between steeper valley sides, a flood hydrograph that
 * overtops the banks entering through the channel at the west edge (`discharg1`), and a Manning
 * normal-depth rating curve across the east edge (`ratcurve`). Coordinates are Lambert-93
 * (EPSG:2154), the CRS the flood pipeline's rasters are written in. `npm run build:example` rewrites
 * examples/flood/valley; a test checks it is fresh.
 */
import { gridCaseFiles } from '../lib/formats/dassflow2d/grid-case';

export const EXAMPLE_DIR = 'examples/flood/valley';
export const EPSG = 2154;
export const NX = 80;
export const NY = 32;
export const CELL_M = 25;
/** South-west corner, in the Garonne valley near Toulouse. */
export const ORIGIN: readonly [number, number] = [572_000, 6_275_000];
export const VALLEY_SLOPE = 0.002;
/** Manning's n: the river channel, then the grassed floodplain. */
export const MANNING = [0.033, 0.06] as const;
export const SIMULATED_SECONDS = 3 * 3600;

const WIDTH_M = NY * CELL_M;
const LENGTH_M = NX * CELL_M;
const CHANNEL_HALF_WIDTH_M = 25;

/** The channel's centre line (y) along the valley: a gentle meander. */
export const channelY = (x: number): number => WIDTH_M / 2 + 90 * Math.sin((2 * Math.PI * x) / 1200);

export function bedElevation(x: number, y: number): number {
  const downValley = 140 + VALLEY_SLOPE * (LENGTH_M - x);
  const distance = Math.abs(y - channelY(x));
  const channel = distance <= CHANNEL_HALF_WIDTH_M ? -2.5 * (1 - (distance / CHANNEL_HALF_WIDTH_M) ** 2) : 0;
  const valleyFloor = Math.abs(y - WIDTH_M / 2);
  const sides = valleyFloor <= 250 ? 0.004 * valleyFloor : 1 + 0.04 * (valleyFloor - 250);
  const hummocks = 0.2 * Math.sin(x / 170) * Math.cos(y / 120);
  return downValley + channel + sides + hummocks;
}

/**
 * A single-peaked flood wave (the gamma-shaped synthetic unit hydrograph): 20 m³/s base flow rising
 * to 300 m³/s after 50 minutes, back near base flow after three hours.
 */
export function floodHydrograph(): Array<[number, number]> {
  const base = 20;
  const peak = 300;
  const peakSeconds = 3000;
  const shape = 3;
  const points: Array<[number, number]> = [];
  for (let t = 0; t <= SIMULATED_SECONDS; t += 300) {
    const r = t / peakSeconds;
    points.push([t, Math.round((base + (peak - base) * (r * Math.exp(1 - r)) ** shape) * 10) / 10]);
  }
  return points;
}

export function floodExampleFiles(): Record<string, string> {
  return gridCaseFiles({
    nx: NX,
    ny: NY,
    cell: CELL_M,
    origin: ORIGIN,
    bed: bedElevation,
    manning: MANNING,
    landUse: (x, y) => (Math.abs(y - channelY(x)) <= CHANNEL_HALF_WIDTH_M ? 1 : 2),
    // The inflow enters through the river channel's cells at the west edge.
    inlet: (j) => Math.abs((j + 0.5) * CELL_M - channelY(0)) <= CHANNEL_HALF_WIDTH_M + CELL_M / 2,
    outletSlope: VALLEY_SLOPE,
    seconds: SIMULATED_SECONDS,
    snapshotEverySeconds: 1800,
    hydrograph: floodHydrograph(),
    meshName: 'valley.geo',
    title: `Valley reach ${NX}x${NY} cells of ${CELL_M} m, EPSG:${EPSG}`,
  });
}
