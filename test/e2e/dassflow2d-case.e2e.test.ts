/**
 * A DassFlow-2D case folder uploaded to the embedded S3 is checked by the validate-case step before
 * anything runs: a valid case passes with what will run; a broken one fails the run at once
 * (Orchestra.Permanent, one attempt) with every problem's file, line and fix. Then run-model runs the
 * executable ORCHESTRA_DASSFLOW2D names — here a stand-in — and the run counts only if it exits 0 and
 * writes a trustworthy res/result_final.dat.
 */
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL_FONT_FILE } from '../../functions/flood/df2d-to-raster/render';
import { channelCaseFiles } from '../../lib/formats/dassflow2d/grid-case';
import type { PipelineGraph } from '../../lib/graph/schema';
import { download, nextRunOn, startTestRuntime, upload } from '../helpers/local-runtime';

const pipeline: PipelineGraph = {
  name: 'dassflow2d-case',
  trigger: { ingestPrefix: 'ingest/dassflow2d-case/', mode: 'dataset', case: 'dassflow2d' },
  steps: {
    'validate-case': { kind: 'lambda', handler: 'functions/flood/validate-inputs/index.ts' },
    'run-model': {
      kind: 'container',
      dependsOn: ['validate-case'],
      image: 'registry.example.org/dassflow2d:site-build',
      retry: { maxAttempts: 1 },
      local: { command: ['node', '--import', 'tsx', 'containers/dassflow2d/src/main.ts'], inheritEnvironment: ['ORCHESTRA_DASSFLOW2D', 'ORCHESTRA_STAND_IN'] },
    },
    rasters: {
      kind: 'lambda',
      handler: 'functions/flood/df2d-to-raster/index.ts',
      dependsOn: ['validate-case', 'run-model'],
      files: [LABEL_FONT_FILE],
      parameters: { epsg: 2154 },
    },
  },
};
/** The check alone, with the least memory a Lambda function has: it reads files up to 32 MiB. */
const smallCheck: PipelineGraph = {
  name: 'dassflow2d-small-check',
  trigger: { ingestPrefix: 'ingest/dassflow2d-small-check/', mode: 'dataset', case: 'dassflow2d' },
  steps: { 'validate-case': { kind: 'lambda', handler: 'functions/flood/validate-inputs/index.ts', memoryMiB: 128 } },
};
const STAND_IN = join(import.meta.dirname, '..', 'fixtures', 'dassflow2d', 'stand-in.mjs');
const runtime = await startTestRuntime([pipeline, smallCheck], { retryDelayMs: 1 });
afterAll(() => runtime.stop());

const channel = channelCaseFiles({ nx: 10, ny: 4, cell: 10, slope: 0.001, manning: 0.033, seconds: 600, hydrograph: [[0, 5]] });

/** Uploads the files in name order, as `aws s3 cp --recursive` does, and returns the run their last one completes. */
async function uploadCase(name: string, files: Record<string, string>, pipelineName = pipeline.name) {
  const prefix = `ingest/${pipelineName}/${name}/`;
  const run = nextRunOn(runtime, prefix);
  for (const [file, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) await upload(runtime, `${prefix}${file}`, text);
  return run;
}

describe('validate-case on the embedded runtime', () => {
  it('passes a valid case and says what will run', async () => {
    process.env['ORCHESTRA_DASSFLOW2D'] = STAND_IN;
    process.env['ORCHESTRA_STAND_IN'] = 'writes';
    const run = await uploadCase('valid', { ...channel, 'notes.md': 'not an input' });
    expect(run.status).toBe('SUCCEEDED');
    const history = runtime.store.readHistory(run.runId);
    const output = history.find((event) => event.type === 'LambdaFunctionSucceeded')?.lambdaFunctionSucceededEventDetails?.output ?? '{}';
    expect(JSON.parse(output)).toMatchObject({ meshFile: 'channel.geo', cells: 40, simulatedSeconds: 600, boundaryConditions: ['1 discharg1', '2 ratcurve'] });
  });

  it('starts a case only once every file its input.txt and bc.txt name is there, whatever the upload order', async () => {
    const prefix = 'ingest/dassflow2d-case/partial/';
    const decisions: string[] = [];
    runtime.on((event) => {
      if (event.type === 'ingest' && event.key.startsWith(prefix)) decisions.push(`${event.key.slice(prefix.length)}: ${event.decision.action}`);
    });
    const { 'rating_curve.txt': ratingCurve, ...withoutCurve } = channel;
    for (const [file, text] of Object.entries(withoutCurve).sort(([a], [b]) => a.localeCompare(b))) await upload(runtime, `${prefix}${file}`, text);
    await runtime.settleUploads();
    expect(decisions).toEqual(['bc.txt: wait', 'channel.geo: wait', 'hydrograph.txt: wait', 'input.txt: wait', 'land_uses.txt: wait']);
    const run = nextRunOn(runtime, prefix);
    await upload(runtime, `${prefix}rating_curve.txt`, ratingCurve ?? '');
    expect((await run).status).toBe('SUCCEEDED');
    expect(decisions.at(-1)).toBe('rating_curve.txt: start');
  });

  it('fails a broken case at once with every problem, never retried', async () => {
    const run = await uploadCase('broken', {
      ...channel,
      'hydrograph.txt': (channel['hydrograph.txt'] ?? '').replace('\n1\n0.0', '\n2\n0.0'),
      'input.txt': (channel['input.txt'] ?? '').replace('\tts\t', '\ttss\t'),
      'bc.txt': (channel['bc.txt'] ?? '').replace('2\tratcurve\tfile', '2\tratcurve'),
    });
    expect(run.status).toBe('FAILED');
    expect(run.steps['validate-case']).toMatchObject({ status: 'FAILED', attempts: 1, error: { error: 'Orchestra.Permanent' } });
    const cause = run.steps['validate-case']?.error?.cause ?? '';
    expect(cause).toContain('ingest/dassflow2d-case/broken/input.txt:4: unknown key "tss"');
    expect(cause).toContain('did you mean "ts"?');
    expect(cause).toContain('ingest/dassflow2d-case/broken/bc.txt:9: "2 ratcurve" has 2 token(s)');
    expect(cause).toContain('ingest/dassflow2d-case/broken/hydrograph.txt:10: 2 hydrograph 1 points announced, but 1 found');
  });

  it('reports a mesh above what the check reads with its size, never as missing (an 87 MB mesh was "missing — upload big.geo": issue 29, item 19)', async () => {
    const mesh = channel['channel.geo'] ?? '';
    const big = mesh + ' '.repeat(33 * 1024 * 1024 - mesh.length + 1);
    const run = await uploadCase('big-mesh', { ...channel, 'channel.geo': big }, smallCheck.name);

    expect(run.steps['validate-case']).toMatchObject({ status: 'FAILED', attempts: 1 });
    const cause = run.steps['validate-case']?.error?.cause ?? '';
    expect(cause).toContain('ingest/dassflow2d-small-check/big-mesh/channel.geo: uploaded, 34.6 MB: above the 33.6 MB the check reads in its memory');
    expect(cause).toContain("raise the checking step's memoryMiB");
    expect(cause).not.toContain('missing');
  });

  it('runs the model in the case folder, turns its ( P % ) lines into progress, and keeps res/ and the logs', async () => {
    process.env['ORCHESTRA_DASSFLOW2D'] = STAND_IN;
    process.env['ORCHESTRA_STAND_IN'] = 'writes';
    const run = await runtime.waitForRun((await uploadCase('runs', channel)).runId);
    expect(run.status).toBe('SUCCEEDED');
    const prefix = `runs/dassflow2d-case/${run.runId}/run-model/`;
    const keys = await runtime.s3.listKeys(prefix);
    expect(keys.map(({ key }) => key.slice(prefix.length)).sort()).toEqual([
      'res/post/water_vol.dat',
      'res/result_final.dat',
      'res/result_initial.dat',
      'result.json',
      'stderr.log',
      'stdout.log',
    ]);
    const lines = runtime.store.logPage(run.runId, 0, 1000).entries.map((entry) => entry.message);
    expect(lines).toEqual(expect.arrayContaining(['progress 0%', 'progress 50%', 'progress 100%']));
    // The rasters: final and maximum depth as GeoTIFFs in the case's CRS, and the flood map.
    const rasters = `runs/dassflow2d-case/${run.runId}/rasters/`;
    const bytes = await download(runtime, `${rasters}max-depth.tif`);
    const image = await (await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)).getImage();
    expect([image.getWidth(), image.getHeight(), image.getGeoKeys()?.['ProjectedCSTypeGeoKey']]).toEqual([10, 4, 2154]);
    const [band] = (await image.readRasters()) as unknown as [Float32Array];
    expect([...band].every((depth) => Math.abs(depth - 0.5) < 1e-6)).toBe(true);
    expect((await download(runtime, `${rasters}flood-map.png`)).subarray(1, 4).toString()).toBe('PNG');
    expect((await download(runtime, `${rasters}final-depth.tif`)).length).toBeGreaterThan(100);
  });

  it.each([
    ['exits 0 but writes nothing (a misspelt key)', 'nothing', 'exited 0 but wrote no res/result_final.dat: it simulated nothing'],
    ['exits 0 with a blown-up state (cfl too high)', 'garbage', 'its result cannot be trusted: res/result_final.dat, cell 1: depth 9.97821065e+122 m is not a flood'],
    ['crashes (exit 139)', 'crash', 'DassFlow-2D exited with code 139 (a crash'],
  ])('fails when the model %s, saying which check failed', async (_name, behaviour, message) => {
    process.env['ORCHESTRA_DASSFLOW2D'] = STAND_IN;
    process.env['ORCHESTRA_STAND_IN'] = behaviour;
    const run = await uploadCase(behaviour, channel);
    expect(run.status).toBe('FAILED');
    expect(run.steps['run-model']?.error?.cause).toContain(message);
  });

  it('runs the built-in solver on the same case files when no executable is named, and maps its flood', async () => {
    process.env['ORCHESTRA_DASSFLOW2D'] = '';
    const run = await runtime.waitForRun((await uploadCase('built-in', channel)).runId);
    expect(run.status).toBe('SUCCEEDED');
    const lines = runtime.store.logPage(run.runId, 0, 1000).entries.map((entry) => entry.message);
    expect(lines).toEqual(expect.arrayContaining(['DassFlow-2D: the built-in solver (no executable named) on ingest/dassflow2d-case/built-in/ (40 cells)', 'progress 100%']));
    const final = (await download(runtime, `runs/dassflow2d-case/${run.runId}/run-model/res/result_final.dat`)).toString();
    expect(final.split('\n').filter((line) => line.trim() !== '')).toHaveLength(42);
    const bytes = await download(runtime, `runs/dassflow2d-case/${run.runId}/rasters/max-depth.tif`);
    const image = await (await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)).getImage();
    const [band] = (await image.readRasters()) as unknown as [Float32Array];
    // 5 m3/s through a 40 m wide channel for ten minutes: wet everywhere, tens of centimetres deep.
    expect([...band].every((depth) => depth > 0.05 && depth < 2)).toBe(true);
    const chart = (await download(runtime, `runs/dassflow2d-case/${run.runId}/rasters/hydrographs.svg`)).toString();
    expect(chart).toMatch(/^<svg /);
    expect(chart).toContain('<title>sum_mass_flux_inflow_001</title>');
    expect(chart).toContain('<title>water_vol</title>');
    const history = runtime.store.readHistory(run.runId);
    const rasters = history.filter((event) => event.type === 'LambdaFunctionSucceeded').at(-1)?.lambdaFunctionSucceededEventDetails?.output ?? '{}';
    // Inflow − outflow = stored volume, to the sampling of res/post/ (every dtp = 60 s).
    expect(Math.abs(JSON.parse(rasters).volumeBalance.relativeError)).toBeLessThan(0.05);
  });

  it('fails the raster step, never retried, when a snapshot the model kept holds values no flood has', async () => {
    process.env['ORCHESTRA_DASSFLOW2D'] = STAND_IN;
    process.env['ORCHESTRA_STAND_IN'] = 'garbage-snapshot';
    const run = await uploadCase('garbage-snapshot', channel);
    expect(run.status).toBe('FAILED');
    expect(run.steps['run-model']?.status).toBe('SUCCEEDED');
    expect(run.steps['rasters']).toMatchObject({ status: 'FAILED', attempts: 1, error: { error: 'Orchestra.Permanent' } });
    expect(run.steps['rasters']?.error?.cause).toMatch(/run-model\/res\/result_3\.000000E\+02\.dat, cell 1: h is NaN — the run blew up/);
  });

  it('fails, naming the variable, when ORCHESTRA_DASSFLOW2D is not an executable', async () => {
    process.env['ORCHESTRA_DASSFLOW2D'] = '/nonexistent/dassflow2d';
    const run = await uploadCase('bad-executable', channel);
    expect(run.status).toBe('FAILED');
    expect(run.steps['run-model']?.error?.cause).toContain('ORCHESTRA_DASSFLOW2D=/nonexistent/dassflow2d is not an executable file');
  });
});
