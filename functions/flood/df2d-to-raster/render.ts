/** Max-depth grid + DEM → PNG flood map: a blue depth ramp over a grey hillshade. Pure, for tests. */
import { PNG } from 'pngjs';
import { defined } from '../../../lib/shared/defined';
import type { AsciiGrid } from '../commons/ascii-grid';

/** Depths below this are drawn as dry land (metres). */
export const WET_THRESHOLD_M = 0.01;

/** Standard hillshade (sun from the north-west, 45° up), 0..1; relief exaggerated so gentle valleys read. */
export function hillshade(dem: AsciiGrid, zFactor = 6): Float64Array {
  const { ncols: nx, nrows: ny, cellsize: d, values: z } = dem;
  const shade = new Float64Array(nx * ny);
  const azimuth = (315 * Math.PI) / 180;
  const zenith = (45 * Math.PI) / 180;
  const at = (r: number, c: number) => defined(z[Math.min(ny - 1, Math.max(0, r)) * nx + Math.min(nx - 1, Math.max(0, c))]);
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) {
      const dzdx = (zFactor * (at(r, c + 1) - at(r, c - 1))) / (2 * d);
      const dzdy = (zFactor * (at(r + 1, c) - at(r - 1, c))) / (2 * d);
      const slope = Math.atan(Math.hypot(dzdx, dzdy));
      const aspect = Math.atan2(dzdy, -dzdx);
      const value = Math.cos(zenith) * Math.cos(slope) + Math.sin(zenith) * Math.sin(slope) * Math.cos(azimuth - aspect);
      shade[r * nx + c] = Math.max(0, Math.min(1, value));
    }
  }
  return shade;
}

/** Light cyan for shallow water to deep navy for the deepest. */
function waterColour(fraction: number): [number, number, number] {
  const f = Math.max(0, Math.min(1, fraction));
  return [Math.round(170 - 160 * f), Math.round(225 - 175 * f), Math.round(255 - 115 * f)];
}

export function renderFloodMap(dem: AsciiGrid, maxDepth: Float64Array, pixelsPerCell = 4): Buffer {
  const { ncols: nx, nrows: ny } = dem;
  const shade = hillshade(dem);
  let deepest = 0;
  for (const depth of maxDepth) if (depth > deepest) deepest = depth;
  const png = new PNG({ width: nx * pixelsPerCell, height: ny * pixelsPerCell });
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) {
      const i = r * nx + c;
      const grey = 70 + 170 * defined(shade[i]);
      let rgb: [number, number, number] = [grey * 0.95, grey, grey * 0.85];
      if (dem.values[i] === dem.nodata) rgb = [255, 255, 255];
      else if (defined(maxDepth[i]) > WET_THRESHOLD_M) {
        const water = waterColour(deepest === 0 ? 0 : defined(maxDepth[i]) / deepest);
        const relief = 0.75 + 0.25 * defined(shade[i]);
        rgb = [water[0] * relief, water[1] * relief, water[2] * relief];
      }
      for (let py = 0; py < pixelsPerCell; py++) {
        for (let px = 0; px < pixelsPerCell; px++) {
          const o = ((r * pixelsPerCell + py) * png.width + c * pixelsPerCell + px) * 4;
          png.data[o] = Math.round(rgb[0]);
          png.data[o + 1] = Math.round(rgb[1]);
          png.data[o + 2] = Math.round(rgb[2]);
          png.data[o + 3] = 255;
        }
      }
    }
  }
  return PNG.sync.write(png);
}
