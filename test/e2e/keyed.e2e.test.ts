/**
 * Keyed triggers in `orchestra up`'s runtime: data items uploaded to the embedded S3 reach the
 * deployed conductor function, whose ledger is the run database; runs start through the local Step
 * Functions endpoint, once per key.
 */
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServerSentEvents } from '../../lib/cli/actions/events';
import type { PipelineGraph } from '../../lib/graph/schema';
import { localStateMachineArn } from '../../lib/local/engine/bindings';
import type { RuntimeEvent } from '../../lib/local/runs/runtime-events';
import { MAX_CONCURRENT_DECISIONS } from '../../lib/local/triggers/ingest-router';
import { cli } from '../helpers/cli';
import { seededRandom } from '../helpers/graphs';
import { startTestRuntime, upload } from '../helpers/local-runtime';

const product: PipelineGraph = {
  name: 'qpo-ecl',
  trigger: { mode: 'keyed', required: ['EclTmVhfAlert', 'EclHk'], optional: ['EclAux'] },
  steps: { make: { kind: 'simulate' } },
};
const runtime = await startTestRuntime([product]);
afterAll(() => runtime.stop());

describe('a keyed trigger on the embedded S3', () => {
  it('starts exactly one run per key once its required types exist, over 50 keys uploaded concurrently, re-uploaded and copied onto themselves', async () => {
    const outcomes: Array<RuntimeEvent & { type: 'keyed' }> = [];
    const off = runtime.on((event) => {
      if (event.type === 'keyed') outcomes.push(event);
    });
    const random = seededRandom(3);
    const keys = Array.from({ length: 50 }, (_, i) => `obs-${String(i).padStart(3, '0')}`);
    const objects = keys.flatMap((key, i) => [`data/EclTmVhfAlert/${key}/alert.fits`, `data/EclAux/${key}/aux.fits`, ...(i % 10 === 0 ? [] : [`data/EclHk/${key}/hk.fits`])]);
    const order = [...objects, ...objects.filter(() => random() < 0.3)].sort(() => random() - 0.5);
    for (let i = 0; i < order.length; i += 8) await Promise.all(order.slice(i, i + 8).map((key) => upload(runtime, key, `content of ${key}`)));
    const bucket = runtime.s3.bucket;
    await runtime.s3.client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'data/EclHk/obs-001/hk.fits', CopySource: `${bucket}/data/EclHk/obs-001/hk.fits`, MetadataDirective: 'REPLACE' }),
    );
    await upload(runtime, 'data/Unrelated/obs-001/x.fits', 'x');
    await runtime.idle();
    off();

    const started = outcomes.filter((o) => o.outcome.action === 'start').map((o) => (o.outcome.action === 'start' ? o.outcome.key : ''));
    expect(started.sort()).toEqual(keys.filter((_, i) => i % 10 !== 0));
    const runs = (await runtime.sfn.send(new ListExecutionsCommand({ stateMachineArn: localStateMachineArn('qpo-ecl') }))).executions ?? [];
    expect(runs).toHaveLength(45);
    expect(outcomes.filter((o) => o.outcome.action === 'unrouted')).toEqual([
      { type: 'keyed', outcome: { action: 'unrouted', objectKey: 'data/Unrelated/obs-001/x.fits', reason: expect.stringContaining('no keyed pipeline requires or accepts') } },
    ]);
    const [record] = await runtime.keyRecords('obs-001');
    expect(record).toMatchObject({ pipeline: 'qpo-ecl', key: 'obs-001', readyAt: expect.any(String), claims: [{ version: 'once' }] });
    const input = JSON.parse(record?.claims[0]?.input ?? '{}') as { key: string; inputs: Record<string, unknown[]> };
    expect(input.key).toBe('obs-001');
    expect(Object.keys(input.inputs).sort()).toEqual(['EclAux', 'EclHk', 'EclTmVhfAlert']);
  });
});

describe('keys through the runs API', () => {
  it('GET /keys/{key} and `orchestra keys` say what arrived, what is missing and which run started; GET /runs?key= lists the run', async () => {
    await upload(runtime, 'data/EclTmVhfAlert/obs-k1/alert.fits', 'a');
    await upload(runtime, 'data/EclHk/obs-k1/hk.fits', 'h');
    await upload(runtime, 'data/EclTmVhfAlert/obs-k2/alert.fits', 'a');
    await runtime.idle();
    const api = await runtime.serveRunsApi();

    const ready = (await (await fetch(`${api.url}/keys/obs-k1`)).json()) as { pipelines: Array<Record<string, unknown>>; totalUsd?: number };
    const waiting = await fetch(`${api.url}/keys/obs-k2`);
    const unknown = await fetch(`${api.url}/keys/obs-none`);
    const runs = (await (await fetch(`${api.url}/runs?key=obs-k1`)).json()) as { runs: Array<{ pipeline: string; runId: string }> };
    const printed = await cli('keys', 'obs-k2', '--api', api.url);

    expect(ready.pipelines).toEqual([
      expect.objectContaining({
        pipeline: 'qpo-ecl',
        state: 'READY',
        missing: [],
        arrived: [expect.objectContaining({ type: 'EclTmVhfAlert' }), expect.objectContaining({ type: 'EclHk' })],
        runs: [expect.objectContaining({ runId: expect.stringMatching(/^obs-k1-/), version: 'once', status: 'SUCCEEDED', costUsd: expect.any(Number) })],
      }),
    ]);
    // What the key's runs cost on AWS, summed across its pipelines.
    const runCosts = ready.pipelines.flatMap((entry) => (entry['runs'] as Array<{ costUsd: number }>).map((run) => run.costUsd));
    expect(ready.totalUsd).toBeCloseTo(
      runCosts.reduce((sum, cost) => sum + cost, 0),
      12,
    );
    expect(ready.totalUsd).toBeGreaterThan(0);
    expect(await waiting.json()).toMatchObject({ key: 'obs-k2', pipelines: [{ pipeline: 'qpo-ecl', state: 'WAITING', missing: ['EclHk'], runs: [] }] });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'no data item with key "obs-none" reached a keyed pipeline', field: 'key' });
    expect(runs.runs.map((run) => run.runId)).toEqual([expect.stringMatching(/^obs-k1-/)]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('qpo-ecl: WAITING — missing EclHk');
    expect(printed.stdout).toMatch(/arrived {2}EclTmVhfAlert +\S+ {2}data\/EclTmVhfAlert\/obs-k2\/alert\.fits/);
  });
});

describe('activity events', () => {
  it('streams started and succeeded for a keyed run at GET /events, and `orchestra events` prints them', async () => {
    const api = await runtime.serveRunsApi();
    const printed = cli('events', '--api', api.url, '--count', '2');
    const stream = await fetch(`${api.url}/events`);
    if (stream.body === null) throw new Error('GET /events answered without a body');
    const reader = stream.body.getReader();
    await upload(runtime, 'data/EclTmVhfAlert/obs-ev/alert.fits', 'a');
    await upload(runtime, 'data/EclHk/obs-ev/hk.fits', 'h');

    let text = '';
    const events: Array<Record<string, unknown>> = [];
    while (events.length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      const parsed = parseServerSentEvents(text + new TextDecoder().decode(value));
      text = parsed.rest;
      events.push(...(parsed.events as Array<Record<string, unknown>>));
    }
    await reader.cancel();

    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(events).toEqual([
      { type: 'started', pipeline: 'qpo-ecl', key: 'obs-ev', runId: expect.stringMatching(/^obs-ev-/), time: expect.any(String) },
      { type: 'succeeded', pipeline: 'qpo-ecl', key: 'obs-ev', runId: events[0]?.['runId'], status: 'SUCCEEDED', time: expect.any(String) },
    ]);
    const { code, stdout } = await printed;
    expect(code).toBe(0);
    expect(stdout).toMatch(/started +qpo-ecl obs-ev obs-ev-\w+[\s\S]*succeeded +qpo-ecl obs-ev obs-ev-\w+/);
  });
});

describe('replaying stored data items at start', () => {
  it(`decides at most ${MAX_CONCURRENT_DECISIONS} at a time, however many items are stored`, async () => {
    let inFlight = 0;
    let most = 0;
    // Each decision lists the item's folders through the listing port (the embedded S3's index): held a
    // moment, so that decisions at once overlap there.
    const listing = runtime.s3.listing;
    const list = listing.list;
    listing.list = async (bucket, prefix) => {
      most = Math.max(most, ++inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return await list.call(listing, bucket, prefix);
      } finally {
        inFlight--;
      }
    };
    try {
      await runtime.reconcileUploads();
    } finally {
      listing.list = list;
    }

    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(MAX_CONCURRENT_DECISIONS);
  });
});
