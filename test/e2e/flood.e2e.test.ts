/**
 * The flood pipeline through the real path: the example DassFlow-2D case uploaded with
 * @aws-sdk/client-s3 to the ingest prefix, the dataset trigger starting one run of the committed ASL
 * once every file the case's input.txt and bc.txt name is there, then the outputs in S3. By default on
 * the embedded runtime (Lambda handlers in-process, the model as a local process running the
 * built-in solver); with ORCHESTRA_E2E_ENDPOINT set, the same tests run against a deployed stack.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODATA } from '../../lib/formats/dassflow2d/rasterize';
import { defined } from '../../lib/shared/defined';
import { bedElevation, CELL_M, EPSG, NX, NY, ORIGIN } from '../../scripts/flood-example';
import { ROOT } from '../helpers/local-runtime';
import { type E2ETarget, e2eTarget, type TargetRun } from './targets/target';

const EXAMPLE = join(ROOT, 'examples', 'flood', 'valley');
const exampleFiles = (): Array<[string, Buffer]> =>
  readdirSync(EXAMPLE)
    .sort()
    .map((name) => [name, readFileSync(join(EXAMPLE, name))]);
// Unique per test run, so a deployed stack that keeps earlier runs still sees fresh datasets.
const DATASET = `ingest/flood/valley-${Date.now().toString(36)}/`;
const BROKEN = `ingest/flood/broken-${Date.now().toString(36)}/`;

async function geoTiff(bytes: Buffer) {
  const image = await (await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)).getImage();
  const [band] = (await image.readRasters()) as unknown as [Float32Array];
  return { image, band };
}

describe('flood pipeline end to end', () => {
  let target: E2ETarget;
  let run: TargetRun;
  const output = (path: string) => target.download(`runs/flood/${run.runId}/${path}`);

  beforeAll(async () => {
    target = await e2eTarget(['state-machines/flood.graph.json']);
    run = await target.runFromUpload('flood', DATASET, exampleFiles());
  }, 20 * 60_000);
  afterAll(() => target?.close());

  it('starts exactly one run for the six uploaded case files, and every step succeeds first time', async () => {
    expect(run.status).toBe('SUCCEEDED');
    expect(await target.runsStartedFor('flood', DATASET)).toBe(1);
    expect(
      Object.entries(run.steps)
        .map(([id, s]) => [id, s.status, s.attempts])
        .sort(),
    ).toEqual(['df2d-to-raster', 'publish-manifest', 'run-model', 'validate-inputs'].map((id) => [id, 'SUCCEEDED', 1]));
  });

  it('keeps the model result files in DassFlow-2D layout: snapshots every 30 minutes and the post time series', async () => {
    const keys = (await target.listKeys(`runs/flood/${run.runId}/run-model/`)).map((key) => key.split('/run-model/')[1]);
    expect(keys.filter((key) => key?.startsWith('res/result_'))).toHaveLength(7);
    expect(keys).toEqual(
      expect.arrayContaining(['res/result_initial.dat', 'res/result_final.dat', 'res/post/water_vol.dat', 'res/post/sum_mass_flux_inflow_001.dat', 'stdout.log']),
    );
  });

  it('writes the maximum depth as a GeoTIFF in Lambert-93 over the case, wet only in the valley, dry on high ground', async () => {
    const { image, band } = await geoTiff(await output('df2d-to-raster/max-depth.tif'));
    expect([image.getWidth(), image.getHeight()]).toEqual([NX, NY]);
    expect(image.getOrigin().slice(0, 2)).toEqual([ORIGIN[0], ORIGIN[1] + NY * CELL_M]);
    expect(image.getResolution().slice(0, 2)).toEqual([CELL_M, -CELL_M]);
    expect(image.getGDALNoData()).toBe(NODATA);
    expect(image.getGeoKeys()).toMatchObject({ ProjectedCSTypeGeoKey: EPSG });
    const wet = [...band.keys()].filter((i) => defined(band[i]) !== NODATA);
    // The flood spreads over the floodplain (more than the channel's cells), never up the valley sides.
    expect(wet.length).toBeGreaterThan(NX * NY * 0.3);
    expect(wet.length).toBeLessThan(NX * NY * 0.9);
    const bedAt = (i: number) => bedElevation(((i % NX) + 0.5) * CELL_M, (NY - 1 - Math.floor(i / NX) + 0.5) * CELL_M);
    const highestSurface = Math.max(...wet.map((i) => defined(band[i]) + bedAt(i)));
    expect([...band.keys()].every((i) => bedAt(i) < highestSurface || defined(band[i]) === NODATA)).toBe(true);
    expect(Math.max(...wet.map((i) => defined(band[i])))).toBeGreaterThan(1);
    expect(Math.max(...wet.map((i) => defined(band[i])))).toBeLessThan(10);
  });

  it('writes the final depth after the wave has passed: less water than at its peak', async () => {
    const { band: final } = await geoTiff(await output('df2d-to-raster/final-depth.tif'));
    const { band: maximum } = await geoTiff(await output('df2d-to-raster/max-depth.tif'));
    const wet = (band: Float32Array) => band.filter((depth) => depth !== NODATA).length;
    expect(wet(final)).toBeGreaterThan(0);
    expect(wet(final)).toBeLessThan(wet(maximum));
  });

  it('draws a PNG flood map with a title and scale, and an SVG of the hydrographs and stored volume', async () => {
    const png = PNG.sync.read(await output('df2d-to-raster/flood-map.png'));
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add((defined(png.data[i]) << 16) | (defined(png.data[i + 1]) << 8) | defined(png.data[i + 2]));
    expect(png.width).toBeGreaterThan(NX * 8);
    expect(colours.size).toBeGreaterThan(50);
    const chart = (await output('df2d-to-raster/hydrographs.svg')).toString();
    expect(chart).toContain('<title>sum_mass_flux_inflow_001</title>');
    expect(chart).toContain('<title>sum_mass_flux_outflow_002</title>');
    expect(chart).toContain('<title>water_vol</title>');
  });

  it('publishes a manifest of every output with size and checksum, the model run time and the volume balance', async () => {
    const manifest = JSON.parse((await output('publish-manifest/manifest.json')).toString()) as {
      model: { step: string; wallSeconds: number; volumeBalance: { inflowM3: number; outflowM3: number; finalVolumeM3: number; relativeError: number } };
      files: Array<{ key: string; bytes: number; sha256: string }>;
    };
    const names = manifest.files.map((f) => f.key.split('/').slice(3).join('/'));
    expect(names).toEqual(expect.arrayContaining(['df2d-to-raster/flood-map.png', 'df2d-to-raster/max-depth.tif', 'run-model/res/result_final.dat', 'run-model/result.json']));
    expect(manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    // Everything has content but the model's stderr, empty on a clean run.
    expect(manifest.files.filter((f) => f.bytes === 0).map((f) => f.key.split('/').slice(3).join('/'))).toEqual(['run-model/stderr.log']);
    expect(manifest.model.step).toBe('run-model');
    expect(manifest.model.wallSeconds).toBeGreaterThan(0);
    // A 3-hour wave of up to 300 m³/s: over a million cubic metres in, nearly all of it out again.
    expect(manifest.model.volumeBalance.inflowM3).toBeGreaterThan(1e6);
    expect(Math.abs(manifest.model.volumeBalance.relativeError)).toBeLessThan(0.05);
  });

  it('logs each Lambda step with the run id (Powertools JSON logs)', async () => {
    const lines = await target.stepLogLines('flood', run.runId, 'validate-inputs');

    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes(`"runId":"${run.runId}"`))).toBe(true);
  });

  it('does not start a second run when the same files are delivered again', async () => {
    for (const [name, body] of exampleFiles()) await target.upload(`${DATASET}${name}`, body);

    expect(await target.runsStartedFor('flood', DATASET)).toBe(1);
  });

  it(
    'fails a broken case at validate-inputs with the file, line and fix, retries nothing and leaves the input in place',
    async () => {
      const files = exampleFiles().map(([name, body]): [string, Buffer] => [name, name === 'input.txt' ? Buffer.from(body.toString().replace('\tts\t', '\ttss\t')) : body]);
      const failed = await target.runFromUpload('flood', BROKEN, files);

      expect(failed.status).toBe('FAILED');
      expect(failed.steps['validate-inputs']).toMatchObject({ status: 'FAILED', attempts: 1, error: 'Orchestra.Permanent' });
      expect(defined(failed.steps['validate-inputs']).cause).toContain(`${BROKEN}input.txt:4: unknown key "tss"`);
      expect(failed.steps['run-model']).toBeUndefined();
      expect((await target.listKeys(BROKEN)).sort()).toEqual(files.map(([name]) => `${BROKEN}${name}`).sort());
    },
    20 * 60_000,
  );
});
