/**
 * Cell values on a grid and as a GeoTIFF: each cell's depth lands in the pixels inside it, dry cells
 * and off-mesh pixels are nodata, and the file decodes with the expected size, transform and nodata
 * (read back with geotiff.js, as GDAL-style tools read it). On the shared real run too, when present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { depthGeoTiff } from '../../lib/formats/dassflow2d/geotiff';
import { channelCaseFiles } from '../../lib/formats/dassflow2d/grid-case';
import { parseMesh } from '../../lib/formats/dassflow2d/mesh';
import { gridFor, NODATA, rasterize } from '../../lib/formats/dassflow2d/rasterize';
import { parseResultFile } from '../../lib/formats/dassflow2d/results';
import { SHARED_DIR } from '../helpers/shared';

const files = channelCaseFiles({ nx: 4, ny: 2, cell: 10, slope: 0.001, manning: 0.033, seconds: 60, hydrograph: [[0, 1]] });
const { mesh } = parseMesh('channel.geo', files['channel.geo'] ?? '');

async function decode(bytes: Uint8Array) {
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const image = await tiff.getImage();
  const [band] = (await image.readRasters()) as unknown as [Float32Array];
  return { image, band };
}

describe('gridFor', () => {
  it('finds the extent of a mesh of 251,001 nodes, a 500×500 case (Math.min(...nodes) overflowed the stack: issue 29, item 11)', () => {
    const side = 501;
    const nodes = Array.from({ length: side * side }, (_, i) => ({ x: 1000 + (i % side) * 2, y: 5000 + Math.floor(i / side) * 2, z: 0 }));
    const big = { nodes, cells: [{ nodes: [1, 2, side + 2, side + 1], land: 1, z: 0 }], boundaries: new Map() };

    expect(gridFor(big)).toEqual({ west: 1000, north: 6000, pixel: 2, width: 500, height: 500 });
  });
});

describe('rasterize', () => {
  it('puts each cell in its own pixels, north row first, dry cells as nodata', () => {
    if (mesh === undefined) throw new Error('no mesh');
    // Cells 1..4 are the south row west to east, 5..8 the north row; cell 2 (index 1) is dry.
    const grid = rasterize(mesh, (cell) => (cell === 1 ? undefined : cell + 1));
    expect({ width: grid.width, height: grid.height, west: grid.west, north: grid.north, pixel: grid.pixel }).toEqual({ width: 4, height: 2, west: 0, north: 20, pixel: 10 });
    expect([...grid.values]).toEqual([5, 6, 7, 8, 1, NODATA, 3, 4]);
  });

  it('samples finer than the cells when asked', () => {
    if (mesh === undefined) throw new Error('no mesh');
    const grid = rasterize(mesh, (cell) => cell + 1, 5);
    expect(grid.width).toBe(8);
    expect(grid.values[grid.width * 3 + 2]).toBe(2);
  });
});

describe('depthGeoTiff', () => {
  it('decodes with the size, transform, CRS and nodata written', async () => {
    if (mesh === undefined) throw new Error('no mesh');
    const grid = rasterize(mesh, (cell) => (cell === 1 ? undefined : (cell + 1) / 10));
    const { image, band } = await decode(depthGeoTiff(grid, 2154));
    expect([image.getWidth(), image.getHeight()]).toEqual([4, 2]);
    expect(image.getOrigin().slice(0, 2)).toEqual([0, 20]);
    expect(image.getResolution().slice(0, 2)).toEqual([10, -10]);
    expect(image.getGDALNoData()).toBe(NODATA);
    expect(image.getGeoKeys()).toMatchObject({ ProjectedCSTypeGeoKey: 2154 });
    expect([...band].map((v) => Math.round(v * 10) / 10)).toEqual([0.5, 0.6, 0.7, 0.8, 0.1, NODATA, 0.3, 0.4]);
  });
});

const SAMPLE = join(SHARED_DIR, 'dassflow2d-sample', 'run');
describe.runIf(existsSync(SAMPLE))('the shared real run', () => {
  it('lands each cell of result_final.dat in the pixel at its centroid', async () => {
    const real = parseMesh('channel.geo', readFileSync(join(SAMPLE, 'channel.geo'), 'utf8')).mesh;
    if (real === undefined) throw new Error('no mesh');
    const result = parseResultFile('result_final.dat', readFileSync(join(SAMPLE, 'res', 'result_final.dat'), 'utf8'));
    const grid = rasterize(real, (cell) => ((result.h[cell] ?? 0) > 0.001 ? result.h[cell] : undefined));
    expect([grid.width, grid.height, grid.pixel]).toEqual([60, 30, 10]);
    const { band } = await decode(depthGeoTiff(grid));
    for (const cell of [0, 59, 900, 1799]) {
      const column = Math.floor((result.x[cell] ?? 0) / 10);
      const row = Math.floor((300 - (result.y[cell] ?? 0)) / 10);
      const h = result.h[cell] ?? 0;
      expect(band[row * 60 + column]).toBeCloseTo(h > 0.001 ? h : NODATA, 5);
    }
  });
});
