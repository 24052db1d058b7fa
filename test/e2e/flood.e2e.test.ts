/**
 * The flood pipeline through the real path: the example dataset uploaded with @aws-sdk/client-s3 to
 * the ingest prefix, the dataset trigger starting one run of the committed ASL, then the outputs in S3.
 * By default on the embedded runtime (Lambda handlers in-process, the model as a local process);
 * with ORCHESTRA_E2E_ENDPOINT set, the same tests run against a deployed stack (LocalStack or AWS).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAsciiGrid } from '../../functions/flood/commons/ascii-grid';
import { defined } from '../../lib/shared/defined';
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

describe('flood pipeline end to end', () => {
  let target: E2ETarget;
  let run: TargetRun;

  beforeAll(async () => {
    target = await e2eTarget(['state-machines/flood.graph.json']);
    run = await target.runFromUpload('flood', DATASET, exampleFiles());
  }, 20 * 60_000);
  afterAll(() => target?.close());

  it('starts exactly one run for the three uploaded files, and it succeeds', async () => {
    expect(run.status).toBe('SUCCEEDED');
    expect(await target.runsStartedFor('flood', DATASET)).toBe(1);
    expect(
      Object.entries(run.steps)
        .map(([id, s]) => [id, s.status, s.attempts])
        .sort(),
    ).toEqual(['df2d-to-raster', 'publish-manifest', 'run-flood-model', 'validate-inputs'].map((id) => [id, 'SUCCEEDED', 1]));
  });

  it('writes a PNG flood map that decodes and is not blank', async () => {
    const png = PNG.sync.read(await target.download(`runs/flood/${run.runId}/df2d-to-raster/flood-map.png`));
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add((defined(png.data[i]) << 16) | (defined(png.data[i + 1]) << 8) | defined(png.data[i + 2]));

    expect([png.width, png.height]).toEqual([480, 240]);
    expect(colours.size).toBeGreaterThan(50);
  });

  it('produces a physically sensible depth grid: water only where it can flow, volume bounded by the inflow', async () => {
    const result = JSON.parse((await target.download(`runs/flood/${run.runId}/run-flood-model/result.json`)).toString()) as Record<string, number> & {
      inflow: { row: number; col: number };
    };
    const depth = parseAsciiGrid((await target.download(`runs/flood/${run.runId}/run-flood-model/max-depth.asc`)).toString());
    const dem = parseAsciiGrid((await target.download(`${DATASET}dem.asc`)).toString());
    const wet = (i: number) => defined(depth.values[i]) > 0.01;

    // Every wet cell is reachable from the inflow through wet cells.
    const start = result.inflow.row * depth.ncols + result.inflow.col;
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      const i = defined(queue.pop());
      const r = Math.floor(i / depth.ncols);
      const c = i % depth.ncols;
      for (const [dr, dc] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ] as const) {
        const rr = r + dr;
        const cc = c + dc;
        const j = rr * depth.ncols + cc;
        if (rr >= 0 && rr < depth.nrows && cc >= 0 && cc < depth.ncols && !seen.has(j) && wet(j)) {
          seen.add(j);
          queue.push(j);
        }
      }
    }
    const wetCells = depth.values.reduce((n, _, i) => n + (wet(i) ? 1 : 0), 0);
    // Ground higher than the highest water surface stays dry.
    let highestSurface = 0;
    depth.values.forEach((d, i) => {
      if (d > 0.01) highestSurface = Math.max(highestSurface, d + defined(dem.values[i]));
    });
    const dryHighGround = dem.values.every((z, i) => z <= highestSurface || !wet(i));

    expect(wetCells).toBeGreaterThan(500);
    expect(seen.size).toBe(wetCells);
    expect(dryHighGround).toBe(true);
    expect(defined(result['storedVolumeM3']) + defined(result['outflowVolumeM3'])).toBeLessThanOrEqual(defined(result['inflowVolumeM3']) * (1 + 1e-9));
    expect(Math.abs(defined(result['massBalanceError']))).toBeLessThan(1e-6);
    expect(result['maxDepthM']).toBeGreaterThan(0.5);
    expect(result['maxDepthM']).toBeLessThan(10);
  });

  it('publishes a manifest listing every output with its size and checksum', async () => {
    const manifest = JSON.parse((await target.download(`runs/flood/${run.runId}/publish-manifest/manifest.json`)).toString()) as {
      files: Array<{ key: string; bytes: number; sha256: string }>;
    };

    expect(manifest.files.map((f) => f.key.split('/').slice(3).join('/'))).toEqual([
      'df2d-to-raster/flood-map.png',
      'run-flood-model/final-depth.asc',
      'run-flood-model/max-depth.asc',
      'run-flood-model/result.json',
    ]);
    expect(manifest.files.every((f) => f.bytes > 0 && /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
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
    'fails a run with bad input with the validation message, retries nothing and leaves the input in place',
    async () => {
      const failed = await target.runFromUpload('flood', BROKEN, [
        ['hydrograph.csv', 'time_s,discharge_m3s\n0,10\n600,-5\n'],
        ['model.json', '{"inflow": {"row": 30, "col": 1}}'],
        ['dem.asc', await target.download(`${DATASET}dem.asc`)],
      ]);

      expect(failed.status).toBe('FAILED');
      expect(failed.steps['validate-inputs']).toMatchObject({ status: 'FAILED', attempts: 1, error: 'Orchestra.Permanent' });
      expect(defined(failed.steps['validate-inputs']).cause).toContain(`${BROKEN}hydrograph.csv:3: discharge -5 is negative`);
      expect(failed.steps['run-flood-model']).toBeUndefined();
      expect((await target.listKeys(BROKEN)).sort()).toEqual([`${BROKEN}dem.asc`, `${BROKEN}hydrograph.csv`, `${BROKEN}model.json`]);
    },
    20 * 60_000,
  );
});
