/**
 * A flood map as a PNG: water depth on a fixed colour scale in metres over a hillshade of the bed,
 * with a title, the time it shows, the colour scale, a scale bar and the CRS. Text is drawn with
 * pureimage (a pure-JS canvas, so the Lambda bundle needs no native module) in DejaVu Sans, a file
 * the step lists under `files` so it travels in the bundle.
 */
import { PNG } from 'pngjs';
import * as PImage from 'pureimage';
import { type Grid, NODATA } from '../../../lib/formats/dassflow2d/rasterize';
import { bundledFile } from '../../commons/bundled-files';

/** Depths below this are drawn as dry land (metres). */
export const WET_THRESHOLD_M = 0.01;
export const LABEL_FONT_FILE = 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf';
const FONT = 'DejaVu Sans';

type Rgb = readonly [number, number, number];

/** Standard hillshade (sun from the north-west, 45° up), 0..1; relief exaggerated so gentle valleys read. */
export function hillshade(bed: Grid, zFactor = 6): Float64Array {
  const { width: nx, height: ny, pixel: d, values: z } = bed;
  const shade = new Float64Array(nx * ny);
  const azimuth = (315 * Math.PI) / 180;
  const zenith = (45 * Math.PI) / 180;
  const at = (r: number, c: number, fallback: number) => {
    const value = z[Math.min(ny - 1, Math.max(0, r)) * nx + Math.min(nx - 1, Math.max(0, c))] ?? NODATA;
    return value === NODATA ? fallback : value;
  };
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) {
      const here = at(r, c, 0);
      const dzdx = (zFactor * (at(r, c + 1, here) - at(r, c - 1, here))) / (2 * d);
      const dzdy = (zFactor * (at(r + 1, c, here) - at(r - 1, c, here))) / (2 * d);
      const slope = Math.atan(Math.hypot(dzdx, dzdy));
      const aspect = Math.atan2(dzdy, -dzdx);
      const value = Math.cos(zenith) * Math.cos(slope) + Math.sin(zenith) * Math.sin(slope) * Math.cos(azimuth - aspect);
      shade[r * nx + c] = Math.max(0, Math.min(1, value));
    }
  }
  return shade;
}

/** Light cyan for shallow water to deep navy at the top of the scale. */
export function waterColour(fraction: number): Rgb {
  const f = Math.max(0, Math.min(1, fraction));
  return [Math.round(170 - 160 * f), Math.round(225 - 175 * f), Math.round(255 - 115 * f)];
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `value`: round numbers for scale ends. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value - 1e-12) return step * power;
  return 10 * power;
}

/** The largest of 1, 2, 5 × 10^k at or below `value`: a scale bar's length. */
export function niceFloor(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [5, 2, 1]) if (step * power <= value) return step * power;
  return power;
}

const metres = (value: number): string => (value >= 1000 ? `${value / 1000} km` : `${value} m`);

export interface FloodMap {
  /** Bed elevation per pixel (NODATA off the mesh). */
  readonly bed: Grid;
  /** Water depth per pixel on the same grid (NODATA where dry or off the mesh). */
  readonly depth: Grid;
  readonly title: string;
  /** What time the map shows, e.g. "maximum over 0 h – 3 h". */
  readonly time: string;
  /** e.g. "EPSG:2154"; omitted when the case has no CRS. */
  readonly crs?: string;
}

export const LAYOUT = { maxMapWidth: 720, top: 56, bottom: 52, right: 120, left: 16 } as const;

let fontLoaded = false;
function loadFont(): void {
  if (fontLoaded) return;
  PImage.registerFont(bundledFile(LABEL_FONT_FILE), FONT).loadSync();
  fontLoaded = true;
}

export function renderFloodMap(map: FloodMap): Buffer {
  loadFont();
  const { bed, depth } = map;
  const scale = Math.max(1, Math.floor(LAYOUT.maxMapWidth / bed.width));
  const mapWidth = bed.width * scale;
  const mapHeight = bed.height * scale;
  const width = LAYOUT.left + mapWidth + LAYOUT.right;
  const height = LAYOUT.top + mapHeight + LAYOUT.bottom;
  const image = PImage.make(width, height);
  const ctx = image.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);

  let deepest = 0;
  for (const value of depth.values) if (value !== NODATA && value > deepest) deepest = value;
  const scaleTop = niceCeiling(deepest);
  const shade = hillshade(bed);
  for (let r = 0; r < bed.height; r++) {
    for (let c = 0; c < bed.width; c++) {
      const i = r * bed.width + c;
      const z = bed.values[i] ?? NODATA;
      const d = depth.values[i] ?? NODATA;
      const s = shade[i] ?? 0;
      let rgb: Rgb = [255, 255, 255];
      if (z !== NODATA) {
        const grey = 70 + 170 * s;
        rgb = [grey * 0.95, grey, grey * 0.85];
        if (d !== NODATA && d > WET_THRESHOLD_M) {
          const water = waterColour(d / scaleTop);
          const relief = 0.75 + 0.25 * s;
          rgb = [water[0] * relief, water[1] * relief, water[2] * relief];
        }
      }
      for (let py = 0; py < scale; py++) {
        let o = ((LAYOUT.top + r * scale + py) * width + LAYOUT.left + c * scale) * 4;
        for (let px = 0; px < scale; px++, o += 4) {
          image.data[o] = Math.round(rgb[0]);
          image.data[o + 1] = Math.round(rgb[1]);
          image.data[o + 2] = Math.round(rgb[2]);
          image.data[o + 3] = 255;
        }
      }
    }
  }
  ctx.strokeStyle = '#333333';
  ctx.strokeRect(LAYOUT.left, LAYOUT.top, mapWidth, mapHeight);

  ctx.fillStyle = '#111111';
  ctx.font = `18pt '${FONT}'`;
  ctx.fillText(map.title, LAYOUT.left, 24);
  ctx.font = `13pt '${FONT}'`;
  ctx.fillText(map.time, LAYOUT.left, 45);

  // The colour scale: top of the scale at the top, ticks at round depths, in metres.
  const barX = LAYOUT.left + mapWidth + 24;
  const barHeight = Math.min(mapHeight, 240);
  ctx.font = `12pt '${FONT}'`;
  ctx.fillText('depth (m)', barX - 6, LAYOUT.top - 6);
  for (let y = 0; y < barHeight; y++) {
    const [red, green, blue] = waterColour(1 - y / (barHeight - 1));
    ctx.fillStyle = `rgb(${red},${green},${blue})`;
    ctx.fillRect(barX, LAYOUT.top + y, 18, 1);
  }
  ctx.strokeRect(barX, LAYOUT.top, 18, barHeight);
  ctx.fillStyle = '#111111';
  ctx.font = `11pt '${FONT}'`;
  const tick = niceFloor(scaleTop / 4);
  for (let value = 0; value <= scaleTop + 1e-9; value += tick) {
    const y = LAYOUT.top + Math.round((1 - value / scaleTop) * (barHeight - 1));
    ctx.fillRect(barX + 18, y, 5, 1);
    ctx.fillText(String(Number(value.toFixed(3))), barX + 27, y + 5);
  }

  // The scale bar: a round length near a quarter of the map's width, half black, half white.
  const metresPerPixel = bed.pixel / scale;
  const length = niceFloor((mapWidth * metresPerPixel) / 4);
  const barPixels = Math.round(length / metresPerPixel);
  const scaleY = LAYOUT.top + mapHeight + 18;
  ctx.fillStyle = '#111111';
  ctx.fillRect(LAYOUT.left, scaleY, Math.round(barPixels / 2), 6);
  ctx.strokeRect(LAYOUT.left, scaleY, barPixels, 6);
  ctx.font = `11pt '${FONT}'`;
  ctx.fillText('0', LAYOUT.left - 3, scaleY + 22);
  ctx.fillText(metres(length), LAYOUT.left + barPixels - 12, scaleY + 22);
  if (map.crs !== undefined) ctx.fillText(map.crs, LAYOUT.left + mapWidth - 80, scaleY + 22);

  const png = new PNG({ width, height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png);
}
