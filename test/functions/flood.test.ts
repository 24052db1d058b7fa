/**
 * The flood pipeline's pieces that need no runtime: the generated example case (fresh, valid, a
 * valley that floods), the flood map's drawing (colour scale, scale bar, title), and the manifest's
 * round numbers. The whole chain runs in test/e2e/flood.e2e.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledFile } from '../../functions/commons/bundled-files';
import { duration } from '../../functions/flood/df2d-to-raster/index';
import { LABEL_FONT_FILE, LAYOUT, niceCeiling, niceFloor, renderFloodMap, waterColour } from '../../functions/flood/df2d-to-raster/render';
import { FUNCTION_ENV } from '../../lib/contract/environment';
import { checkCase } from '../../lib/formats/dassflow2d/case-check';
import { formatProblem } from '../../lib/formats/dassflow2d/problems';
import { type Grid, NODATA } from '../../lib/formats/dassflow2d/rasterize';
import { EXAMPLE_DIR, floodExampleFiles, floodHydrograph, NX, NY } from '../../scripts/flood-example';
import { ROOT } from '../helpers/root';

describe('the example case', () => {
  const files = floodExampleFiles();

  it.each(Object.keys(files))('%s is what scripts/flood-example.ts generates (run `npm run build:example`)', (name) => {
    expect(readFileSync(join(ROOT, EXAMPLE_DIR, name), 'utf8')).toBe(files[name]);
  });

  it('holds nothing else (a stale file would be uploaded with the case)', () => {
    expect(readdirSync(join(ROOT, EXAMPLE_DIR)).sort()).toEqual(Object.keys(files).sort());
  });

  it('passes every check, with the inflow through the river channel and the rating curve across the valley', () => {
    const checked = checkCase((name) => files[name]);
    expect(checked.problems.map(formatProblem)).toEqual([]);
    expect(checked.summary).toMatchObject({ meshFile: 'valley.geo', cells: NX * NY, simulatedSeconds: 3 * 3600, boundaryConditions: ['1 discharg1', '2 ratcurve'] });
    const inlet = /\nINLET (\d+) 1\n/.exec(files['valley.geo'] ?? '')?.[1];
    expect(Number(inlet)).toBeGreaterThanOrEqual(2);
    expect(Number(inlet)).toBeLessThan(NY / 4);
  });

  it('has a single-peaked flood wave: base flow, one rise, one recession', () => {
    const discharges = floodHydrograph().map(([, q]) => q);
    const peak = discharges.indexOf(Math.max(...discharges));
    expect(discharges[0]).toBe(20);
    expect(Math.max(...discharges)).toBeCloseTo(300, 0);
    expect(discharges.slice(0, peak + 1).every((q, i, all) => i === 0 || q >= (all[i - 1] ?? 0))).toBe(true);
    expect(discharges.slice(peak).every((q, i, all) => i === 0 || q <= (all[i - 1] ?? 0))).toBe(true);
  });
});

describe('the flood map', () => {
  const bed = (value: (column: number, row: number) => number): Grid => ({
    width: 40,
    height: 20,
    west: 0,
    north: 200,
    pixel: 10,
    values: Float32Array.from({ length: 800 }, (_, i) => value(i % 40, Math.floor(i / 40))),
  });
  const valley = bed((_, row) => Math.abs(row - 10));
  const depth = bed((column, row) => (Math.abs(row - 10) <= 3 ? (3 - Math.abs(row - 10)) * 0.6 + column / 100 : NODATA));
  const decode = (png: Buffer) => PNG.sync.read(png);
  const pixel = (png: PNG, x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];

  it('draws the map at a whole number of pixels per cell, with room for the title, colour scale and scale bar', () => {
    const png = decode(renderFloodMap({ bed: valley, depth, title: 'Maximum water depth: test', time: 'over 3 h', crs: 'EPSG:2154' }));
    const scale = Math.floor(LAYOUT.maxMapWidth / 40);
    expect([png.width, png.height]).toEqual([LAYOUT.left + 40 * scale + LAYOUT.right, LAYOUT.top + 20 * scale + LAYOUT.bottom]);
    // The deepest water (row 10) is darker blue than the shallowest wet row (row 13); dry land is grey.
    const at = (column: number, row: number) => pixel(png, LAYOUT.left + column * scale + scale / 2, LAYOUT.top + row * scale + scale / 2);
    const [deepRed, , deepBlue] = at(20, 10);
    const [shallowRed, , shallowBlue] = at(20, 13);
    const [dryRed, dryGreen, dryBlue] = at(20, 18);
    expect(deepBlue).toBeGreaterThan(deepRed ?? 0);
    expect(deepRed).toBeLessThan(shallowRed ?? 0);
    expect(shallowBlue).toBeGreaterThan(shallowRed ?? 0);
    expect(Math.abs((dryRed ?? 0) - (dryGreen ?? 0))).toBeLessThan(30);
    expect(Math.abs((dryGreen ?? 0) - (dryBlue ?? 0))).toBeLessThan(40);
  });

  it('writes the title and time above the map, a colour scale beside it and a scale bar below it', () => {
    const png = decode(renderFloodMap({ bed: valley, depth, title: 'Maximum water depth: test', time: 'over 3 h', crs: 'EPSG:2154' }));
    const darkIn = (x0: number, y0: number, x1: number, y1: number) => {
      let dark = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if ((pixel(png, x, y)[0] ?? 255) < 100) dark++;
      return dark;
    };
    const mapRight = png.width - LAYOUT.right;
    const mapBottom = png.height - LAYOUT.bottom;
    expect(darkIn(0, 0, 300, LAYOUT.top - 4)).toBeGreaterThan(100); // title and time
    expect(darkIn(mapRight + 40, LAYOUT.top, png.width, LAYOUT.top + 240)).toBeGreaterThan(40); // tick labels
    // The scale's top is the deepest colour (to pureimage's rounding).
    const offBy = pixel(png, mapRight + 24 + 9, LAYOUT.top + 1).map((channel, k) => Math.abs(channel - (waterColour(1)[k] ?? 0)));
    expect(Math.max(...offBy)).toBeLessThanOrEqual(2);
    expect(darkIn(LAYOUT.left, mapBottom + 18, LAYOUT.left + 60, mapBottom + 24)).toBeGreaterThan(100); // the bar's black half
  });

  it('picks round numbers for the colour scale and the scale bar', () => {
    expect([0.3, 0.9, 1, 1.2, 2.1, 3.56, 7].map(niceCeiling)).toEqual([0.5, 1, 1, 2, 2.5, 5, 10]);
    expect([0.9, 130, 480, 2600].map(niceFloor)).toEqual([0.5, 100, 200, 2000]);
    expect([600, 3600, 10_800, 5_430].map(duration)).toEqual(['10 min', '1 h 00 min', '3 h 00 min', '1 h 31 min']);
  });
});

describe('bundledFile', () => {
  afterEach(() => {
    delete process.env[FUNCTION_ENV.stepFiles];
  });

  it('finds a listed file under the task root, and refuses one the step does not list, as Lambda would', () => {
    process.env[FUNCTION_ENV.stepFiles] = JSON.stringify([LABEL_FONT_FILE]);
    expect(bundledFile(LABEL_FONT_FILE)).toMatch(/node_modules\/dejavu-fonts-ttf\/ttf\/DejaVuSans\.ttf$/);
    expect(() => bundledFile('tables/stations.csv')).toThrow('this step reads "tables/stations.csv", which its graph does not list: add it to the step\'s "files"');
  });
});
