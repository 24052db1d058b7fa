/**
 * Backfills on the embedded runtime, through the runs API and the CLI: keys are decided again through
 * the conductor's own path — nothing starts twice, except pipelines with `reprocess: "manual"`, which
 * run once more per backfill — at the requested rate, with progress.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyedConductor } from '../../functions/keyed-conductor';
import type { PipelineGraph } from '../../lib/graph/schema';
import { localStateMachineArn } from '../../lib/local/engine/bindings';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { LocalKeyLedger } from '../../lib/local/triggers/key-ledger';
import { keyedTriggersOf } from '../../lib/local/triggers/keyed-router';
import { backfillIntervalMs, processBackfill, readBackfill, writeBackfill } from '../../lib/runtime/keyed/backfill';
import { cli } from '../helpers/cli';
import { startTestRuntime, upload } from '../helpers/local-runtime';

const keyed = (name: string, reprocess: 'never' | 'manual'): PipelineGraph => ({
  name,
  trigger: { mode: 'keyed', required: ['Alert'], reprocess },
  steps: { make: { kind: 'simulate' } },
});
const runtime = await startTestRuntime([keyed('once-only', 'never'), keyed('on-request', 'manual')]);
const api = await runtime.serveRunsApi();
afterAll(() => runtime.stop());

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const get = async (path: string) => {
  const response = await fetch(`${api.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('backfills', () => {
  const keys = Array.from({ length: 20 }, (_, i) => `obs-${i}`);
  const finished: RunRecord[] = [];
  runtime.on((event) => {
    if (event.type === 'run-finished') finished.push(event.run);
  });
  const runsOf = (pipeline: string) => finished.filter((run) => run.pipeline === pipeline).length;

  it('re-decides every key under a prefix: "never" pipelines start nothing again, "manual" ones run once more', async () => {
    for (const key of keys) await upload(runtime, `data/Alert/${key}/alert.fits`, key);
    await runtime.idle();
    expect([runsOf('once-only'), runsOf('on-request')]).toEqual([20, 20]);

    const started = await post('/backfills', { prefix: 'data/Alert/', ratePerSecond: 200 });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.stringMatching(/^bf-/), total: 40, done: 0, status: 'RUNNING', ratePerSecond: 200 });
    expect(started.body).not.toHaveProperty('targets');
    let progress = started.body;
    while (progress['status'] === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      progress = (await get(`/backfills/${String(started.body['id'])}`)).body;
    }
    await runtime.idle();
    expect(progress).toMatchObject({ status: 'SUCCEEDED', total: 40, done: 40, outcomes: { duplicate: 20, start: 20 } });
    expect([runsOf('once-only'), runsOf('on-request')]).toEqual([20, 40]);
    // What the 20 runs it started cost, summed: each run's cost from its history, as its own answer gives it.
    const { body: done } = await get(`/backfills/${String(started.body['id'])}`);
    expect(done['cost']).toMatchObject({ finishedRuns: 20, runningRuns: 0, usd: expect.any(Number) });
    const backfillRuns = finished.filter((run) => run.pipeline === 'on-request').slice(20);
    const summed = backfillRuns.reduce((sum, run) => sum + (run.cost?.totalUsd ?? Number.NaN), 0);
    expect(Number((done['cost'] as Record<string, unknown>)['usd'])).toBeCloseTo(summed, 12);
    expect(done).not.toHaveProperty('started');
  });

  it('follows a backfill of named keys from the CLI, with progress, for the named pipeline only', async () => {
    const result = await cli('backfill', '--keys', 'obs-1,obs-2,obs-3', '--pipelines', 'on-request', '--rate', '50', '--api', api.url);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/backfill bf-\S+: 3 \(pipeline, key\) decisions at 50\/s/);
    expect(result.stdout).toMatch(/\d\d:\d\d:\d\d 3\/3 start 3/);
    expect(result.stdout).toMatch(/backfill bf-\S+: SUCCEEDED/);
    expect(result.stdout).toMatch(/its \d finished run\(s\) cost \$[\d.e-]+ on AWS at their durations/);
    await runtime.idle();
    expect([runsOf('once-only'), runsOf('on-request')]).toEqual([20, 43]);
  });

  it.each([
    ['both keys and a prefix', { keys: ['a'], prefix: 'data/Alert/' }, 'body', 'give "keys" or "prefix"'],
    ['an unknown pipeline', { keys: ['a'], pipelines: ['nope'] }, 'body.pipelines[0]', '"nope" is not a keyed pipeline'],
    ['a prefix outside the data prefixes', { prefix: 'ingest/x/' }, 'body.prefix', "not under a keyed pipeline's data prefix"],
    ['a prefix with nothing under it', { prefix: 'data/Nothing/' }, 'body.prefix', 'nothing to backfill'],
    ["a rate over Step Functions' refill", { keys: ['a'], ratePerSecond: 1000 }, 'body.ratePerSecond', ''],
  ])('refuses %s, naming the field', async (_, body, field, message) => {
    const answer = await post('/backfills', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ field, message: expect.stringContaining(message) });
  });

  it('paces decisions at the rate asked, below one a second too (0.5/s ran at 1/s: issue 29, item 12)', () => {
    expect([0.1, 0.5, 1, 20, 300, 1000].map(backfillIntervalMs)).toEqual([10_000, 2000, 1000, 50, 1000 / 300, 1000 / 300]);
  });

  it('stops at its deadline with how far it got, goes on from there, and records the error of a decision that throws', async () => {
    const { client: s3, bucket } = runtime.s3;
    const now = '2026-12-03T00:00:00.000Z';
    const targets = ['a', 'b', 'c', 'd', 'e'].map((key) => ({ pipeline: 'on-request', key }));
    const base = { createdAt: now, updatedAt: now, ratePerSecond: 300, status: 'RUNNING' as const, total: 5, done: 0, outcomes: {}, targets };
    const decided: string[] = [];
    const check = async (_pipeline: string, key: string) => {
      decided.push(key);
      return { action: 'wait' as const, pipeline: 'on-request', key, missing: ['Alert'] };
    };
    await writeBackfill(s3, bucket, { ...base, id: 'bf-deadlineAAAAAAAAA' });
    // A clock that passes the deadline after two decisions, as a Lambda invocation running out of time.
    let ticks = 0;
    const clock = () => Date.parse(now) + (ticks++ >= 6 ? 60_000 : 0);
    expect(await processBackfill({ s3, bucket, id: 'bf-deadlineAAAAAAAAA', check, deadline: Date.parse(now) + 30_000, now: clock })).toEqual({ status: 'more', done: 2 });
    expect(await readBackfill(s3, bucket, 'bf-deadlineAAAAAAAAA')).toMatchObject({ status: 'RUNNING', done: 2, outcomes: { wait: 2 } });
    expect(await processBackfill({ s3, bucket, id: 'bf-deadlineAAAAAAAAA', check })).toEqual({ status: 'done', done: 5 });
    expect(decided).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await readBackfill(s3, bucket, 'bf-deadlineAAAAAAAAA')).toMatchObject({ status: 'SUCCEEDED', done: 5, outcomes: { wait: 5 } });

    await writeBackfill(s3, bucket, { ...base, id: 'bf-failingAAAAAAAAAA' });
    const failing = async () => {
      throw new Error('the ledger is unreachable');
    };
    expect(await processBackfill({ s3, bucket, id: 'bf-failingAAAAAAAAAA', check: failing })).toEqual({ status: 'done', done: 0 });
    expect(await readBackfill(s3, bucket, 'bf-failingAAAAAAAAAA')).toMatchObject({ status: 'FAILED', done: 0, error: 'on-request a: the ledger is unreachable' });
  });

  it('has the conductor hand the rest to a later invocation when its time is up (AWS), from where it got', async () => {
    const { client: s3, bucket } = runtime.s3;
    const now = new Date().toISOString();
    await writeBackfill(s3, bucket, {
      id: 'bf-handoverAAAAAAAAA',
      createdAt: now,
      updatedAt: now,
      ratePerSecond: 300,
      status: 'RUNNING',
      total: 2,
      done: 0,
      outcomes: {},
      targets: [
        { pipeline: 'on-request', key: 'obs-1' },
        { pipeline: 'on-request', key: 'obs-2' },
      ],
    });
    const continued: Array<[string, number]> = [];
    const ledger = new LocalKeyLedger(mkdtempSync(join(tmpdir(), 'orchestra-ledger-')));
    const conductor = createKeyedConductor({
      s3,
      sfn: runtime.sfn,
      ledger,
      scheduleCheck: async () => undefined,
      configuration: () => ({ triggers: keyedTriggersOf(runtime.pipelines), awaited: [], stateMachineArnOf: localStateMachineArn }),
      continueBackfill: async (id, done) => {
        continued.push([id, done]);
      },
      logger: { info: () => undefined, warn: () => undefined },
    });
    // An invocation whose deadline has passed decides nothing and schedules the rest.
    expect(await conductor({ backfill: { id: 'bf-handoverAAAAAAAAA' }, bucket }, { deadline: Date.now() - 1 })).toEqual([]);
    expect(continued).toEqual([['bf-handoverAAAAAAAAA', 0]]);
    expect(await readBackfill(s3, bucket, 'bf-handoverAAAAAAAAA')).toMatchObject({ status: 'RUNNING', done: 0 });
    ledger.close();
  });

  it('answers 404 for a backfill it does not know', async () => {
    expect((await get('/backfills/bf-AAAAAAAAAAAAAAAA')).status).toBe(404);
  });
});
