/**
 * The flood pipeline through the real path: files uploaded with @aws-sdk/client-s3 to the embedded
 * S3's ingest prefix, the dataset trigger starting one run, the committed ASL on the local engine,
 * Lambda handlers in-process and the model as a local process; then the outputs in S3.
 */
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { parseAsciiGrid } from '../../functions/commons/ascii-grid';
import type { LocalRuntime } from '../../lib/local/runtime';
import type { RunRecord } from '../../lib/local/run-record';
import { download, nextRunOn, ROOT, startTestRuntime, upload, uploadFolder } from '../helpers/local-runtime';

const EXAMPLE = join(ROOT, 'examples', 'flood', 'valley');

describe('flood pipeline on the embedded runtime', () => {
  let runtime: LocalRuntime;
  let run: RunRecord;

  beforeAll(async () => {
    runtime = await startTestRuntime(['state-machines/flood.graph.json']);
    const finished = nextRunOn(runtime, 'ingest/flood/valley-a/');
    await uploadFolder(runtime, EXAMPLE, 'ingest/flood/valley-a/');
    run = await finished;
  });
  afterAll(() => runtime.stop());

  it('starts exactly one run for the three uploaded files, and it succeeds', async () => {
    await runtime.idle();

    expect(run.status).toBe('SUCCEEDED');
    expect(runtime.store.list().filter((r) => r.pipeline === 'flood')).toHaveLength(1);
    expect(Object.values(run.steps).map((s) => [s.status, s.attempts])).toEqual(Array(4).fill(['SUCCEEDED', 1]));
  });

  it('writes a PNG flood map that decodes and is not blank', async () => {
    const png = PNG.sync.read(await download(runtime, `runs/flood/${run.runId}/df2d-to-raster/flood-map.png`));
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);

    expect([png.width, png.height]).toEqual([480, 240]);
    expect(colours.size).toBeGreaterThan(50);
  });

  it('produces a physically sensible depth grid: water only where it can flow, volume bounded by the inflow', async () => {
    const result = JSON.parse((await download(runtime, `runs/flood/${run.runId}/run-flood-model/result.json`)).toString()) as Record<string, number> & { inflow: { row: number; col: number } };
    const depth = parseAsciiGrid((await download(runtime, `runs/flood/${run.runId}/run-flood-model/max-depth.asc`)).toString());
    const dem = parseAsciiGrid((await download(runtime, 'ingest/flood/valley-a/dem.asc')).toString());
    const wet = (i: number) => depth.values[i]! > 0.01;

    // Every wet cell is reachable from the inflow through wet cells.
    const start = result.inflow.row * depth.ncols + result.inflow.col;
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      const i = queue.pop()!;
      const r = Math.floor(i / depth.ncols);
      const c = i % depth.ncols;
      for (const [dr, dc] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
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
      if (d > 0.01) highestSurface = Math.max(highestSurface, d + dem.values[i]!);
    });
    const dryHighGround = dem.values.every((z, i) => z <= highestSurface || !wet(i));

    expect(wetCells).toBeGreaterThan(500);
    expect(seen.size).toBe(wetCells);
    expect(dryHighGround).toBe(true);
    expect(result['storedVolumeM3']! + result['outflowVolumeM3']!).toBeLessThanOrEqual(result['inflowVolumeM3']! * (1 + 1e-9));
    expect(Math.abs(result['massBalanceError']!)).toBeLessThan(1e-6);
    expect(result['maxDepthM']).toBeGreaterThan(0.5);
    expect(result['maxDepthM']).toBeLessThan(10);
  });

  it('publishes a manifest listing every output with its size and checksum', async () => {
    const manifest = JSON.parse((await download(runtime, `runs/flood/${run.runId}/publish-manifest/manifest.json`)).toString()) as { files: Array<{ key: string; bytes: number; sha256: string }> };

    expect(manifest.files.map((f) => f.key.split('/').slice(3).join('/'))).toEqual([
      'df2d-to-raster/flood-map.png',
      'run-flood-model/final-depth.asc',
      'run-flood-model/max-depth.asc',
      'run-flood-model/result.json',
    ]);
    expect(manifest.files.every((f) => f.bytes > 0 && /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
  });

  it('records the model output in the run log, step by step', () => {
    const log = runtime.store.readLog(run.runId);

    expect(log.some((e) => e.step === 'run-flood-model' && e.message.includes('mass balance error'))).toBe(true);
    expect(log.some((e) => e.step === 'validate-inputs' && e.message.includes('"runId":"' + run.runId))).toBe(true);
  });

  it('does not start a second run when the same files are delivered again', async () => {
    const decisions: string[] = [];
    const off = runtime.on((event) => {
      if (event.type === 'ingest') decisions.push(event.decision.action);
    });
    await uploadFolder(runtime, EXAMPLE, 'ingest/flood/valley-a/');
    await runtime.settleUploads();
    off();

    expect(decisions).toContain('duplicate');
    expect(decisions).not.toContain('start');
    expect(runtime.store.list().filter((r) => r.pipeline === 'flood')).toHaveLength(1);
  });

  it('fails a run with bad input with the validation message, retries nothing and leaves the input in place', async () => {
    const finished = nextRunOn(runtime, 'ingest/flood/broken/');
    await upload(runtime, 'ingest/flood/broken/hydrograph.csv', 'time_s,discharge_m3s\n0,10\n600,-5\n');
    await upload(runtime, 'ingest/flood/broken/model.json', '{"inflow": {"row": 30, "col": 1}}');
    await upload(runtime, 'ingest/flood/broken/dem.asc', (await download(runtime, 'ingest/flood/valley-a/dem.asc')).toString());
    const failed = await finished;

    expect(failed.status).toBe('FAILED');
    expect(failed.steps['validate-inputs']).toMatchObject({ status: 'FAILED', attempts: 1, error: { error: 'Orchestra.Permanent' } });
    expect(failed.steps['validate-inputs']!.error!.cause).toContain('ingest/flood/broken/hydrograph.csv:3: discharge -5 is negative');
    expect(failed.steps['run-flood-model']!.status).toBe('SKIPPED');
    expect((await runtime.s3.listKeys('ingest/flood/broken/')).map((o) => o.key).sort()).toEqual([
      'ingest/flood/broken/dem.asc',
      'ingest/flood/broken/hydrograph.csv',
      'ingest/flood/broken/model.json',
    ]);
  });
});
