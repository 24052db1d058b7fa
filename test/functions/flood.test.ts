import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { simulateFlood } from '../../containers/flood-model/src/solver';
import { formatAsciiGrid, parseAsciiGrid } from '../../functions/flood/commons/ascii-grid';
import { FloodInputError, parseDem, parseHydrograph, parseModelSettings } from '../../functions/flood/commons/flood-inputs';
import { renderFloodMap } from '../../functions/flood/df2d-to-raster/render';
import { EXAMPLE_DIR, floodExampleFiles } from '../../scripts/flood-example';

const ROOT = join(import.meta.dirname, '..', '..');
const flatBasin = (size = 10, z = 5) => ({ ncols: size, nrows: size, xllcorner: 0, yllcorner: 0, cellsize: 10, nodata: -9999, values: new Float64Array(size * size).fill(z) });

describe('flood inputs', () => {
  it('parses an ASCII grid and writes it back unchanged', () => {
    const text = 'ncols 3\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 5\nNODATA_value -9999\n1 2 3\n4 5 6\n7 8 -9999\n';

    expect(formatAsciiGrid(parseAsciiGrid(text))).toBe(text);
  });

  it.each([
    ['ncols 3\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 5\n1 2 3\n4 5 6\n', 'dem.asc: 6 values, but ncols × nrows = 9 — the grid is truncated'],
    ['ncols 3\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 5\n1 2\n3 4 5 6\n7 8 9\n', 'dem.asc:6: 2 values on this row, ncols is 3 — each line holds one row of the grid'],
    ['ncols 3\nnrows 3\nxllcorner 0\nyllcorner 0\ncellsize 5\n1 2 3\n4 x 6\n7 8 9\n', 'dem.asc:7: "x" is not a number'],
    ['nrows 3\nxllcorner 0\n', 'dem.asc: header has no "ncols"'],
  ])('fails on a bad DEM with the line and the fix (%#)', (text, message) => {
    expect(() => parseDem(text)).toThrow(FloodInputError);
    expect(() => parseDem(text)).toThrow(message);
  });

  it.each([
    ['time,q\n0,1\n', 'hydrograph.csv:1: header "time,q" — expected "time_s,discharge_m3s"'],
    ['time_s,discharge_m3s\n0,1\n0,2\n', 'hydrograph.csv:3: time 0 is not after 0 — times must increase'],
    ['time_s,discharge_m3s\n0,1\n60,abc\n', 'hydrograph.csv:3: "60,abc" — expected two numbers'],
  ])('fails on a bad hydrograph with the line and the fix (%#)', (text, message) => {
    expect(() => parseHydrograph(text)).toThrow(message);
  });

  it.each([
    ['null', 'model.json: expected a JSON object such as {"inflow": {"row": 10, "col": 0}}'],
    ['{"inflow": {"row": 1, "col": 1}, "maning": 0.05}', 'model.json: unknown setting(s) "maning" — allowed: inflow, manning, durationSeconds, outflowSlope'],
    ['{"inflow": {"row": 1, "col": 1}, "manning": "0.05"}', 'model.json: manning must be a number (got "0.05")'],
  ])('fails on model.json %s naming the file and the fix, never a TypeError', (text, message) => {
    const attempt = () => parseModelSettings(text, flatBasin(), parseHydrograph('time_s,discharge_m3s\n0,1\n10,1\n'));

    expect(attempt).toThrow(FloodInputError);
    expect(attempt).toThrow(message);
  });

  it('fails on a discharge no river has (a unit mistake) instead of running for hours', () => {
    expect(() => parseHydrograph('time_s,discharge_m3s\n0,1\n60,1e12\n')).toThrow('hydrograph.csv:3: discharge 1000000000000 m³/s is over 1000000');
  });

  it('fails when the inflow cell is outside the DEM', () => {
    expect(() => parseModelSettings('{"inflow": {"row": 99, "col": 1}}', flatBasin(), parseHydrograph('time_s,discharge_m3s\n0,1\n10,1\n'))).toThrow(
      'model.json: inflow cell (99, 1) is outside the 10 × 10 DEM',
    );
  });
});

describe('flood model', () => {
  it('conserves mass in a closed basin: all inflow is stored, spread evenly on flat ground', () => {
    const dem = flatBasin();
    const hydrograph = parseHydrograph('time_s,discharge_m3s\n0,10\n600,10\n660,0\n');
    const result = simulateFlood(dem, hydrograph, { inflow: { row: 5, col: 5 }, manning: 0.03, durationSeconds: 7200, outflowSlope: 0 });

    expect(result.inflowVolumeM3).toBeCloseTo(6300, 0);
    expect(result.outflowVolumeM3).toBe(0);
    expect(result.storedVolumeM3).toBeCloseTo(result.inflowVolumeM3, 6);
    // 6300 m³ over 100 cells of 100 m² is 0.63 m everywhere once settled.
    expect(Math.max(...result.finalDepth) - Math.min(...result.finalDepth)).toBeLessThan(0.02);
    expect(result.finalDepth[0]).toBeCloseTo(0.63, 2);
  });

  it('keeps water out of cells walled off by high ground', () => {
    const dem = flatBasin(10, 0);
    for (let r = 0; r < 10; r++) dem.values[r * 10 + 6] = 50; // a wall down column 6
    const result = simulateFlood(dem, parseHydrograph('time_s,discharge_m3s\n0,5\n600,5\n'), { inflow: { row: 5, col: 2 }, manning: 0.03, durationSeconds: 1200, outflowSlope: 0 });

    for (let r = 0; r < 10; r++) for (let c = 7; c < 10; c++) expect(result.maxDepth[r * 10 + c]).toBe(0);
  });

  it('draws a PNG that decodes to the grid size times the pixel scale', () => {
    const dem = flatBasin();
    const depth = new Float64Array(100).map((_, i) => (i % 10 < 5 ? 1 : 0));
    const png = PNG.sync.read(renderFloodMap(dem, depth, 2));

    expect([png.width, png.height]).toEqual([20, 20]);
    expect(png.data[0]).not.toBe(png.data[(png.width - 1) * 4]); // wet (left) and dry (right) differ
  });
});

describe('example dataset', () => {
  it.each(Object.keys(floodExampleFiles()))('%s is what scripts/flood-example.ts generates (run `npm run build:example`)', (name) => {
    expect(readFileSync(join(ROOT, EXAMPLE_DIR, name), 'utf8')).toBe(floodExampleFiles()[name]);
  });
});
