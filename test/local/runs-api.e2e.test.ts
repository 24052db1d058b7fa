/**
 * The runs API over real HTTP, served locally by the deployed function (functions/runs-api) with
 * its Step Functions client on the local endpoint: start → 202 + Location → poll, cancel, redrive,
 * idempotent starts, dry runs, refusals naming the field, concurrency and paging.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import type { LocalRuntime } from '../../lib/local/runtime';
import { isAlive } from '../../lib/shared/process';
import { OPENAPI_FILE } from '../../scripts/openapi-file';
import { countedProject } from '../helpers/counted-steps';
import { simulateGraph } from '../helpers/graphs';
import { startTestRuntime, upload } from '../helpers/local-runtime';

const project = countedProject();
const pidFile = join(project.root, 'sleeper.pid');
let runtime: LocalRuntime;
let api: string;

beforeAll(async () => {
  runtime = await startTestRuntime([simulateGraph({ quick: [] }, { quick: 0 }, 'quick'), simulateGraph({ slow: [] }, { slow: 60_000 }, 'slow')]);
  runtime.addPipeline(pipelineFromGraph(project.chain, project.root));
  runtime.addPipeline(pipelineFromGraph({ name: 'scans', trigger: { ingestPrefix: 'ingest/scans/' }, steps: { only: { kind: 'simulate' } } }, project.root));
  runtime.addPipeline(
    pipelineFromGraph(
      { name: 'survey', trigger: { ingestPrefix: 'ingest/survey/', mode: 'dataset', requiredFiles: ['a.csv', 'b.csv'] }, steps: { only: { kind: 'simulate' } } },
      project.root,
    ),
  );
  runtime.addPipeline(
    pipelineFromGraph(
      {
        name: 'sleeper',
        steps: {
          sleep: {
            kind: 'container',
            image: 'public.ecr.aws/x/y:1',
            local: { command: ['node', '-e', `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000)`] },
          },
        },
      },
      project.root,
    ),
  );
  api = (await runtime.serveRunsApi()).url;
});

afterAll(async () => {
  await runtime.stop();
  rmSync(project.root, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly location: string | null;
  readonly body: Record<string, unknown>;
}

async function http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as Record<string, unknown> };
}

async function settled(location: string): Promise<Record<string, unknown>> {
  for (;;) {
    const { body } = await http('GET', location);
    if (body['status'] !== 'RUNNING') return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A run's own files beside its outputs (its RO-Crate and workflow, written as it ends) are not any step's. */
const isProvenance = (key: string): boolean => /\/(ro-crate-metadata\.json|workflow\.asl\.json)$/.test(key);
const ofSteps = (outputs: unknown): Array<Record<string, unknown>> =>
  (Array.isArray(outputs) ? outputs : []).filter((o): o is Record<string, unknown> => typeof o === 'object' && o !== null && o['step'] !== '');

describe('runs API served locally', () => {
  it('starts a run with 202 and a Location to follow it to SUCCEEDED with its steps', async () => {
    writeFileSync(project.calls, '');
    const started = await http('POST', '/pipelines/chain/runs', { input: project.input });

    expect(started.status).toBe(202);
    expect(started.location).toBe(`/pipelines/chain/runs/${String(started.body['runId'])}`);
    const run = await settled(started.location ?? '');
    expect(run).toMatchObject({ status: 'SUCCEEDED', input: { ...project.input, source: 'api' } });
    // Each step's one invocation, measured in Orchestra's process (its handler's duration, and what a Lambda would bill).
    const usage = {
      endedAt: expect.any(String),
      measuredBy: 'in-process',
      scope: 'process',
      durationMs: expect.any(Number),
      billedDurationMs: expect.any(Number),
      memorySizeMb: expect.any(Number),
      note: expect.any(String),
    };
    const step = { status: 'SUCCEEDED', attempts: 1, startedAt: expect.any(String), stoppedAt: expect.any(String), usage: [expect.objectContaining(usage)] };
    expect(run['steps']).toEqual({ a: step, b: step, c: step });
    expect(run['redrivenAt']).toEqual([]);
    // What it cost on AWS, per step: each step's Lambda once at its billed duration, and the run's own transitions.
    const cost = run['cost'] as { basis: string; totalUsd: number; orchestration: { usd: number }; steps: Record<string, { runs: number; transitions: number; usd: number }> };
    expect(cost).toMatchObject({ basis: 'billed', prices: { region: 'us-east-1' } });
    expect(Object.keys(cost.steps).sort()).toEqual(['a', 'b', 'c']);
    for (const each of Object.values(cost.steps)) expect(each).toMatchObject({ runs: 1, transitions: 1, lambda: { requests: 1, architecture: 'arm64' } });
    expect(cost.totalUsd).toBeCloseTo(
      Object.values(cost.steps).reduce((sum, each) => sum + each.usd, cost.orchestration.usd),
      12,
    );
  });

  it('cancels a long run: its step stops and the run reads as cancelled', async () => {
    const started = await http('POST', '/pipelines/slow/runs', {});
    const cancelled = await http('DELETE', started.location ?? '');

    expect(cancelled.status).toBe(202);
    const run = await settled(started.location ?? '');
    expect(run).toMatchObject({ status: 'ABORTED', error: 'Orchestra.Cancelled' });
    expect(runtime.activeRuns).toBe(0);
  });

  it('cancels a run whose container step is running: its process is killed', async () => {
    const started = await http('POST', '/pipelines/sleeper/runs', {});
    while (!existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 20));
    const pid = Number(readFileSync(pidFile, 'utf8'));

    expect((await http('DELETE', started.location ?? '')).status).toBe(202);
    await runtime.idle();
    expect((await http('GET', started.location ?? '')).body['status']).toBe('ABORTED');
    // The kill is sent when the run ends; on a loaded machine the process takes a moment to go.
    for (let waited = 0; isAlive(pid) && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(pid)).toBe(false);
  });

  it('redrives a run whose step failed: the steps that succeeded are not run again', async () => {
    writeFileSync(project.calls, '');
    writeFileSync(project.failWhile, '');
    const started = await http('POST', '/pipelines/chain/runs', { input: project.input });
    expect(await settled(started.location ?? '')).toMatchObject({ status: 'FAILED', error: 'NotReady' });

    rmSync(project.failWhile);
    const redriven = await http('POST', `${started.location ?? ''}/redrive`);

    expect(redriven.status).toBe(202);
    const run = await settled(started.location ?? '');
    expect(run).toMatchObject({ status: 'SUCCEEDED', steps: { b: { status: 'SUCCEEDED', attempts: 2 } } });
    expect(run['redrivenAt']).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT/)]);
    expect(readFileSync(project.calls, 'utf8')).toBe('a\nb\nb\nc\n');
    expect((await http('POST', `${started.location ?? ''}/redrive`)).status).toBe(409);
  });

  it('returns the same run (200) for a repeated Idempotency-Key instead of starting another', async () => {
    const headers = { 'Idempotency-Key': `order-${Date.now()}` };
    const first = await http('POST', '/pipelines/quick/runs', {}, headers);
    const again = await http('POST', '/pipelines/quick/runs', {}, headers);

    expect([first.status, again.status]).toEqual([202, 200]);
    expect(again.body['runId']).toBe(first.body['runId']);
    expect(again.location).toBe(first.location);
  });

  it('checks a dry run as a real start would, and starts nothing', async () => {
    const before = runtime.store.list().length;
    const dry = await http('POST', '/pipelines/quick/runs?dryRun=true', { runId: 'dry-1', input: { prefix: 'ingest/quick/x/' } });

    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, pipeline: 'quick', runId: 'dry-1', input: { prefix: 'ingest/quick/x/', source: 'api' } });
    expect(runtime.store.list()).toHaveLength(before);
    expect((await http('POST', '/pipelines/quick/runs?dryRun=true', { inptu: {} })).body).toMatchObject({ field: 'body' });
  });

  it("refuses a start whose input is outside what the pipeline's steps may read: on AWS the run would fail with AccessDenied", async () => {
    for (const path of ['/pipelines/quick/runs', '/pipelines/quick/runs?dryRun=true']) {
      const outside = await http('POST', path, { input: { prefix: 'cases/valley/' } });
      expect(outside).toMatchObject({ status: 400, body: { field: 'body.input.prefix' } });
      expect(outside.body['message']).toBe(
        'body.input.prefix: "cases/valley/" is outside what quick reads: its steps may read only under ingest/quick/, runs/quick/ — upload there (on AWS the run would fail with AccessDenied), or grant the prefix in the steps\' "access"',
      );
    }
    const key = await http('POST', '/pipelines/scans/runs?dryRun=true', { input: { keys: ['ingest/scans/a.tif', 'elsewhere/b.tif'] } });
    expect(key).toMatchObject({ status: 400, body: { field: 'body.input.keys' } });
    expect(key.body['message']).toContain('"elsewhere/b.tif" is outside what scans reads');
    const described = await http('GET', '/pipelines/scans');
    expect(described.body).toMatchObject({ inputPrefixes: ['ingest/scans/'] });
  });

  it("refuses a dry run of a dataset whose trigger's required files are missing, and says what a complete one would read", async () => {
    await upload(runtime, 'ingest/survey/d1/a.csv', 'x');
    const incomplete = await http('POST', '/pipelines/survey/runs?dryRun=true', { input: { prefix: 'ingest/survey/d1/' } });

    expect(incomplete).toMatchObject({ status: 400, body: { field: 'body.input.prefix' } });
    expect(incomplete.body['message']).toBe('body.input.prefix: s3://orchestra-data/ingest/survey/d1/ lacks b.csv, which survey needs (a.csv, b.csv) — upload them first');
    await upload(runtime, 'ingest/survey/d1/b.csv', 'y');
    const complete = await http('POST', '/pipelines/survey/runs?dryRun=true', { input: { prefix: 'ingest/survey/d1/' } });
    expect(complete).toMatchObject({ status: 200, body: { dryRun: true, reads: { bucket: 'orchestra-data', keys: ['ingest/survey/d1/a.csv', 'ingest/survey/d1/b.csv'] } } });
    await runtime.idle();
  });

  it('asks a per-object pipeline for the objects its steps read, and a dry run checks they are there (a prefix started a run that failed at once: issue 29, item 23)', async () => {
    const byPrefix = await http('POST', '/pipelines/scans/runs?dryRun=true', { input: { prefix: 'ingest/scans/' } });
    expect(byPrefix).toMatchObject({ status: 400, body: { field: 'body.input.keys' } });
    expect(byPrefix.body['message']).toContain('scans runs once per uploaded object, and its steps read input.keys');
    expect(await http('POST', '/pipelines/scans/runs', { input: { prefix: 'ingest/scans/' } })).toMatchObject({ status: 400, body: { field: 'body.input.keys' } });
    const missing = await http('POST', '/pipelines/scans/runs?dryRun=true', { input: { keys: ['ingest/scans/never.tif'] } });
    expect(missing).toMatchObject({ status: 400, body: { field: 'body.input.keys[0]' } });
    expect(missing.body['message']).toBe('body.input.keys[0]: s3://orchestra-data/ingest/scans/never.tif does not exist — upload it first, or give the key of an uploaded object');

    await upload(runtime, 'ingest/scans/a.tif', 'x');
    await runtime.idle();
    const ready = await http('POST', '/pipelines/scans/runs?dryRun=true', { input: { keys: ['ingest/scans/a.tif'] } });
    expect(ready).toMatchObject({ status: 200, body: { reads: { bucket: 'orchestra-data', keys: ['ingest/scans/a.tif'] } } });
    expect(await http('POST', '/pipelines/survey/runs?dryRun=true', { input: {} })).toMatchObject({ status: 400, body: { field: 'body.input.prefix' } });
  });

  it.each([
    ['malformed JSON', '/pipelines/quick/runs', '{"runId": ', 400, 'body'],
    // It answered 422 without a field (issue 29, item 12).
    ['a prototype-named key', '/pipelines/quick/runs', '{"input": {"__proto__": {"x": 1}}}', 400, 'body'],
    ['an unknown field', '/pipelines/quick/runs', { runId: 'x', inptu: {} }, 400, 'body'],
    ['a bad run id', '/pipelines/quick/runs', { runId: 'has space' }, 400, 'body.runId'],
    ['a bad dryRun', '/pipelines/quick/runs?dryRun=yes', {}, 400, 'dryRun'],
    ['a body without a JSON content type', '/pipelines/quick/runs', {}, 400, 'Content-Type'],
  ])('answers %s with %s and JSON naming the field, never a stack', async (what, path, body, status, field) => {
    const answer = await http('POST', path, body, what.includes('content type') ? { 'content-type': 'text/plain' } : {});

    expect(answer.status).toBe(status);
    expect(answer.body['field']).toBe(field);
    expect(JSON.stringify(answer.body)).not.toContain('    at ');
  });

  it('keeps the Idempotency-Keys of two pipelines apart: one key starts a run of each (it answered 409 naming body.runId: issue 29, item 12)', async () => {
    const headers = { 'Idempotency-Key': `shared-${Date.now()}` };

    const [quick, chain] = [await http('POST', '/pipelines/quick/runs', {}, headers), await http('POST', '/pipelines/chain/runs', {}, headers)];

    expect([quick.status, chain.status]).toEqual([202, 202]);
    expect(quick.body['runId']).not.toBe(chain.body['runId']);
    await runtime.idle();
  });

  it('refuses a malformed Idempotency-Key and prototype-named pipelines, naming what to fix', async () => {
    expect(await http('POST', '/pipelines/quick/runs', {}, { 'Idempotency-Key': 'has space' })).toMatchObject({ status: 400, body: { field: 'Idempotency-Key' } });
    expect((await http('GET', '/pipelines/__proto__')).status).toBe(404);
    expect((await http('GET', '/runs?pipeline=constructor')).status).toBe(404);
  });

  it('answers 400 for a bad run id in the path and 404 for an unknown pipeline or run', async () => {
    expect(await http('GET', '/pipelines/quick/runs/bad%20id')).toMatchObject({ status: 400, body: { field: 'runId' } });
    expect((await http('GET', '/pipelines/nope/runs')).status).toBe(404);
    expect((await http('GET', '/pipelines/quick/runs/never-started')).status).toBe(404);
  });

  it('serves its OpenAPI document', async () => {
    const answer = await http('GET', '/openapi.json');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });

  it("lists a run's outputs with presigned URLs that show and download each file, and the text of small text files", async () => {
    const started = await http('POST', '/pipelines/quick/runs', { runId: 'with-outputs' });
    await settled(String(started.location));
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await upload(runtime, 'runs/quick/with-outputs/only/map.png', png);
    await upload(runtime, 'runs/quick/with-outputs/only/rows.csv', 'id,depth\n1,0.5\n');
    const big = JSON.stringify({ values: 'x'.repeat(70_000) });
    await upload(runtime, 'runs/quick/with-outputs/only/big.json', big);
    await upload(runtime, 'runs/quick/with-outputs-2/only/other.txt', 'not this run');

    const answer = await http('GET', '/pipelines/quick/runs/with-outputs/outputs');

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ pipeline: 'quick', runId: 'with-outputs', prefix: 'runs/quick/with-outputs/', truncated: false });
    const outputs = ofSteps(answer.body['outputs']);
    expect(outputs.map((o) => [o['step'], o['path'], o['contentType'], o['size']])).toEqual([
      ['only', 'big.json', 'application/json', big.length],
      ['only', 'map.png', 'image/png', png.length],
      ['only', 'rows.csv', 'text/csv', 15],
    ]);
    const [bigOutput, map, rows] = outputs;
    expect(rows?.['preview']).toBe('id,depth\n1,0.5\n');
    expect(bigOutput).not.toHaveProperty('preview');
    const shown = await fetch(String(map?.['url']));
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await shown.arrayBuffer())).toEqual(png);
    const saved = await fetch(String(map?.['downloadUrl']));
    expect(saved.headers.get('content-disposition')).toContain('attachment; filename="map.png"');
  });

  it("refuses another site's page (its Origin) that would change runs, and any request to a name that is not loopback (DNS rebinding)", async () => {
    const started = await http('POST', '/pipelines/quick/runs', {});
    const forged = await fetch(`${api}${String(started.location)}/redrive`, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { message: string }).message).toContain('a page of http://evil.example may not POST here');
    // Its own page (same origin) and tools (no Origin) pass; reading is not refused (CORS keeps answers from other sites).
    expect((await fetch(`${api}/pipelines`, { headers: { origin: 'http://evil.example' } })).status).toBe(200);
    expect((await http('POST', '/pipelines/quick/runs', {}, { origin: api })).status).toBe(202);

    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${api}/pipelines`, { headers: { host: 'attacker.example:4570' } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('Host \\"attacker.example:4570\\" is not a loopback address');
  });

  it("serves a step's HTML report as HTML (for the console's sandboxed frame), and any other HTML file as a download", async () => {
    const started = await http('POST', '/pipelines/quick/runs', { runId: 'with-report' });
    await settled(String(started.location));
    await upload(runtime, 'runs/quick/with-report/only/report.html', '<h1>report</h1>');
    await upload(runtime, 'runs/quick/with-report/only/page.html', '<h1>page</h1>');
    await upload(runtime, 'runs/quick/with-report/only/deeper/report.html', '<h1>not a report</h1>');

    const outputs = ofSteps((await http('GET', '/pipelines/quick/runs/with-report/outputs')).body['outputs']);

    expect(outputs.map((o) => [o['path'], o['contentType']])).toEqual([
      ['deeper/report.html', 'application/octet-stream'],
      ['page.html', 'application/octet-stream'],
      ['report.html', 'text/html'],
    ]);
    const shown = await fetch(String(outputs[2]?.['url']));
    expect([shown.headers.get('content-type'), await shown.text()]).toEqual(['text/html', '<h1>report</h1>']);
  });

  it("answers each finished step's report apart (?only=reports) when the step wrote more files than a page holds", async () => {
    const started = await http('POST', '/pipelines/quick/runs', { runId: 'report-later' });
    await settled(String(started.location));
    const parts = Array.from({ length: 230 }, (_, i) => `runs/quick/report-later/quick/a-${String(i).padStart(3, '0')}.bin`);
    for (let i = 0; i < parts.length; i += 50) await Promise.all(parts.slice(i, i + 50).map((key) => upload(runtime, key, 'x')));
    await upload(runtime, 'runs/quick/report-later/quick/report.md', '# Depths\n');
    await upload(runtime, 'runs/quick/report-later/quick/report.png', 'not shown: the Markdown comes first');
    await upload(runtime, 'runs/quick/report-later/quick/deeper/report.html', '<h1>not a report</h1>');

    const first = await http('GET', '/pipelines/quick/runs/report-later/outputs');
    expect(first.body).toMatchObject({ truncated: true });
    expect(ofSteps(first.body['outputs']).some((o) => String(o['path']).startsWith('report.'))).toBe(false);
    const reports = await http('GET', '/pipelines/quick/runs/report-later/outputs?only=reports');
    expect(reports.status).toBe(200);
    expect(ofSteps(reports.body['outputs']).map((o) => [o['step'], o['path'], o['preview']])).toEqual([['quick', 'report.md', '# Depths\n']]);
    expect(reports.body).toMatchObject({ truncated: false });
    for (const only of ['everything', '__proto__', 'x'.repeat(5000)])
      expect(await http('GET', `/pipelines/quick/runs/report-later/outputs?only=${only}`)).toMatchObject({ status: 400, body: { field: 'only' } });
    // A long value is quoted shortened, not echoed whole.
    const long = await http('GET', `/pipelines/quick/runs/report-later/outputs?only=${'x'.repeat(5000)}`);
    expect(String(long.body['message'])).toBe(`only: "reports" (each finished step's report, wherever it falls among the outputs), not "${'x'.repeat(60)}…"`);
  });

  it('previews the first 20 small text files in key order, and lists the rest with their links', async () => {
    const started = await http('POST', '/pipelines/quick/runs', { runId: 'many-texts' });
    await settled(String(started.location));
    for (let i = 0; i < 23; i++) await upload(runtime, `runs/quick/many-texts/only/part-${String(i).padStart(2, '0')}.txt`, `part ${i}`);

    const outputs = ofSteps((await http('GET', '/pipelines/quick/runs/many-texts/outputs')).body['outputs']);

    expect(outputs).toHaveLength(23);
    expect(outputs.filter((o) => 'preview' in o).map((o) => o['path'])).toEqual(Array.from({ length: 20 }, (_, i) => `part-${String(i).padStart(2, '0')}.txt`));
    expect(outputs.every((o) => typeof o['url'] === 'string' && typeof o['downloadUrl'] === 'string')).toBe(true);
  });

  it('pages outputs within what Lambda may answer: 1,000 long-named files, every one listed once (one answer was 8.7 MiB: issue 29, item 17)', async () => {
    const started = await http('POST', '/pipelines/quick/runs', { runId: 'long-names' });
    await settled(String(started.location));
    // About 1,000 characters each, spaces (encoded in URLs) among them; the embedded S3 keeps a key's
    // parts as file names, of at most 200 bytes.
    const keys = Array.from({ length: 1000 }, (_, i) => `runs/quick/long-names/quick/${String(i).padStart(4, '0')}/${`${'n '.repeat(95)}/`.repeat(5)}x.bin`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => upload(runtime, key, 'x')));

    const listed: string[] = [];
    const sizes: number[] = [];
    for (let token: string | undefined, pages = 0; pages === 0 || token !== undefined; pages++) {
      const response = await fetch(`${api}/pipelines/quick/runs/long-names/outputs?limit=1000${token === undefined ? '' : `&nextToken=${token}`}`);
      const text = await response.text();
      sizes.push(Buffer.byteLength(text));
      const body = JSON.parse(text) as { outputs: Array<{ key: string }>; nextToken?: string; truncated: boolean };
      listed.push(...body.outputs.map((output) => output.key));
      expect(body.truncated).toBe(body.nextToken !== undefined);
      token = body.nextToken;
    }

    expect(listed.filter((key) => !isProvenance(key))).toEqual(keys);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5_000_000);
    const firstPage = await http('GET', '/pipelines/quick/runs/long-names/outputs');
    expect((firstPage.body['outputs'] as unknown[]).length).toBe(200);
    expect(await http('GET', '/pipelines/quick/runs/long-names/outputs?nextToken=cnVucy9vdGhlci8')).toMatchObject({ status: 400, body: { field: 'nextToken' } });
    expect(await http('GET', '/pipelines/quick/runs/long-names/outputs?limit=1001')).toMatchObject({ status: 400, body: { field: 'limit' } });
  });

  it("marks the files of a step that did not finish as unfinished, not as the run's results (issue 29, item 24)", async () => {
    const started = await http('POST', '/pipelines/slow/runs', { runId: 'stopped-with-files' });
    await upload(runtime, 'runs/slow/stopped-with-files/slow/partial.csv', 'id\n1\n');
    await http('DELETE', String(started.location));
    await settled(String(started.location));

    const outputs = ofSteps((await http('GET', '/pipelines/slow/runs/stopped-with-files/outputs')).body['outputs']);

    expect(outputs).toMatchObject([{ step: 'slow', path: 'partial.csv', unfinished: true }]);
    const done = await http('POST', '/pipelines/quick/runs', { runId: 'finished-with-files' });
    await settled(String(done.location));
    await upload(runtime, 'runs/quick/finished-with-files/quick/result.csv', 'id\n1\n');
    const finished = ofSteps((await http('GET', '/pipelines/quick/runs/finished-with-files/outputs')).body['outputs']);
    expect(finished).toEqual([expect.not.objectContaining({ unfinished: expect.anything() })]);
    expect(finished).toMatchObject([{ step: 'quick', path: 'result.csv' }]);
  });

  it('answers 404 for the outputs of a run that does not exist', async () => {
    const answer = await http('GET', '/pipelines/quick/runs/never-ran/outputs');

    expect(answer.status).toBe(404);
    expect(answer.body['message']).toBe('no run "never-ran" of quick');
    expect((await http('GET', '/pipelines/__proto__/runs/never-ran/outputs')).status).toBe(404);
    expect(await http('GET', '/pipelines/quick/runs/..%2F..%2Fingest/outputs')).toMatchObject({ status: 400, body: { field: 'runId' } });
  });

  it('describes a pipeline: its steps with kinds and dependencies', async () => {
    const { status, body } = await http('GET', '/pipelines/chain');

    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: 'chain',
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:chain',
      steps: { a: { kind: 'lambda', dependsOn: [] }, b: { kind: 'lambda', dependsOn: ['a'] }, c: { kind: 'lambda', dependsOn: ['b'] } },
    });
  });

  it("reads a run's log lines across its steps, oldest first, paged", async () => {
    writeFileSync(project.calls, '');
    const started = await http('POST', '/pipelines/chain/runs', { input: project.input });
    await settled(started.location ?? '');
    const lines: Array<{ step?: string; message: string }> = [];
    let nextToken: string | undefined;
    do {
      const page = await http('GET', `${started.location ?? ''}/logs?limit=2${nextToken === undefined ? '' : `&nextToken=${nextToken}`}`);
      expect(page.status).toBe(200);
      lines.push(...(page.body['lines'] as typeof lines));
      nextToken = page.body['nextToken'] as string | undefined;
    } while (nextToken !== undefined);

    expect(lines.map((l) => l.message)).toEqual(runtime.store.readLog(String(started.body['runId'])).map((e) => e.message));
    expect(lines[0]?.message).toContain('run started by api');
    expect((await http('GET', '/pipelines/chain/runs/never-started/logs')).status).toBe(404);
  });

  it('lists runs across pipelines newest first, filtered and paged, each exactly once', async () => {
    await http('POST', '/pipelines/quick/runs', { input: { prefix: 'ingest/quick/survey-7/' } });
    await runtime.idle();
    const expected = runtime.store.list().map((r) => r.runId);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await http('GET', `/runs?limit=7${nextToken === undefined ? '' : `&nextToken=${encodeURIComponent(nextToken)}`}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body['runs'] as Array<{ runId: string }>).map((r) => r.runId));
      nextToken = page.body['nextToken'] as string | undefined;
    } while (nextToken !== undefined);

    expect(seen).toHaveLength(expected.length);
    expect(new Set(seen)).toEqual(new Set(expected));
    const aborted = await http('GET', '/runs?status=ABORTED&pipeline=slow');
    expect((aborted.body['runs'] as Array<{ pipeline: string; status: string }>).every((r) => r.pipeline === 'slow' && r.status === 'ABORTED')).toBe(true);
    // A run is found by what it was started for, exactly (a substring matched: issue 29, item 3).
    const byKey = async (key: string) => ((await http('GET', `/runs?key=${encodeURIComponent(key)}`)).body['runs'] as Array<{ pipeline: string }>).map((r) => r.pipeline);
    expect(await byKey('ingest/quick/survey-7/')).toEqual(['quick']);
    expect(await byKey('ingest/quick/survey-7')).toEqual(['quick']);
    expect(await byKey('ingest/quick/survey-7/scan.tif')).toEqual([]);
    expect(await byKey('ingest/quick/survey-')).toEqual([]);
    expect(await http('GET', '/runs?key=')).toMatchObject({ status: 400, body: { field: 'key' } });
    expect((await http('GET', '/runs?since=2999-01-01T00:00:00Z')).body['runs']).toEqual([]);
    expect(await http('GET', '/runs?since=yesterday')).toMatchObject({ status: 400, body: { field: 'since' } });
    expect(await http('GET', '/runs?limit=0')).toMatchObject({ status: 400, body: { field: 'limit' } });
    expect(await http('GET', '/runs?nextToken=forged')).toMatchObject({ status: 400, body: { field: 'nextToken' } });
  });

  it('starts exactly 100 runs for 100 concurrent POSTs, and pages through 1,000 runs each exactly once', async () => {
    runtime.addPipeline(pipelineFromGraph(simulateGraph({ only: [] }, { only: 0 }, 'burst'), project.root));
    const burst = (await runtime.serveRunsApi()).url;
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => fetch(`${burst}/pipelines/burst/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(202));
    const ids = new Set(await Promise.all(answers.map(async (a) => String(((await a.json()) as { runId: string }).runId))));
    expect(ids.size).toBe(100);
    for (let i = 0; i < 900; i++) ids.add(runtime.startRun('burst', { source: 'cli' }).runId);
    await runtime.idle();
    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await fetch(`${burst}/pipelines/burst/runs${nextToken === undefined ? '' : `?nextToken=${encodeURIComponent(nextToken)}`}`);
      const body = (await page.json()) as { runs: Array<{ runId: string }>; nextToken?: string };
      listed.push(...body.runs.map((r) => r.runId));
      // A run started between pages must not shift the next page.
      if (listed.length === 100) await runtime.waitForRun(runtime.startRun('burst', { source: 'cli' }).runId);
      nextToken = body.nextToken;
    } while (nextToken !== undefined);
    expect(listed).toHaveLength(1000);
    expect(new Set(listed)).toEqual(ids);
  });
});
