/**
 * Keyed triggers (printed, never asserted): notification → run start latency on the embedded runtime,
 * notifications per second over many keys, and what one product run costs in DynamoDB requests and
 * Step Functions transitions (the conductor over dynalite, counting the requests it sends).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { pipelineFromGraph } from '../lib/catalogue';
import { compileGraph } from '../lib/compiler';
import type { PipelineGraph } from '../lib/graph/schema';
import { LocalRuntime } from '../lib/local/runtime';
import { createConductor } from '../lib/runtime/keyed/conductor';
import { DynamoDbKeyLedger } from '../lib/runtime/keyed/dynamodb-ledger';
import { keyedTriggerOf } from '../lib/runtime/keyed/keyed-trigger';
import { defined } from '../lib/shared/defined';
import { startDynalite } from '../test/helpers/dynalite';
import { recordFigure } from './goals';
import { percentile } from './stats';

const ROOT = join(import.meta.dirname, '..');
const product: PipelineGraph = { name: 'product', trigger: { mode: 'keyed', required: ['A', 'B'], optional: ['C'] }, steps: { make: { kind: 'simulate' } } };

async function latencyAndThroughput(): Promise<void> {
  const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-bench-keyed-')) });
  runtime.addPipeline(pipelineFromGraph(product, ROOT));
  const put = (key: string) => runtime.s3.client.send(new PutObjectCommand({ Bucket: runtime.s3.bucket, Key: key, Body: key }));
  const startedAt = new Map<string, number>();
  runtime.on((event) => {
    if (event.type === 'run-started' && typeof event.run.input['key'] === 'string') startedAt.set(event.run.input['key'], performance.now());
  });
  // Latency: the last required item of a key lands → its run starts.
  const latencies: number[] = [];
  for (let i = 0; i < 200; i++) {
    await put(`data/A/lat-${i}/a`);
    await runtime.settleUploads();
    const sent = performance.now();
    await put(`data/B/lat-${i}/b`);
    await runtime.settleUploads();
    latencies.push(defined(startedAt.get(`lat-${i}`), `run of lat-${i}`) - sent);
  }
  latencies.sort((a, b) => a - b);
  // Throughput: 1,000 keys × (A, B) uploaded 16 at a time, then every object notified again four times (8,000 duplicates).
  const objects = Array.from({ length: 1000 }, (_, i) => [`data/A/tp-${i}/a`, `data/B/tp-${i}/b`]).flat();
  const firstStart = performance.now();
  for (let i = 0; i < objects.length; i += 16) await Promise.all(objects.slice(i, i + 16).map(put));
  await runtime.settleUploads();
  const firstSeconds = (performance.now() - firstStart) / 1000;
  const replayStart = performance.now();
  for (let round = 0; round < 4; round++) await runtime.reconcileUploads();
  const replaySeconds = (performance.now() - replayStart) / 1000;
  const keyedStarts = [...startedAt.keys()].filter((key) => key.startsWith('tp-')).length;
  await runtime.idle();
  await runtime.stop();
  console.log('\n## Keyed triggers on the embedded runtime\n');
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| last required item stored → run started, p50 / p99 (200 keys) | ${latencies[99]?.toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} ms |`);
  console.log(
    `| 2,000 uploads over 1,000 keys, 16 at a time: runs started | ${keyedStarts} in ${firstSeconds.toFixed(1)} s (${(keyedStarts / firstSeconds).toFixed(0)} starts/s, ${(objects.length / firstSeconds).toFixed(0)} notifications/s) |`,
  );
  console.log(
    `| 8,000 duplicate notifications (every object again, 4 times): runs started | ${[...startedAt.keys()].filter((key) => key.startsWith('tp-')).length - keyedStarts} in ${replaySeconds.toFixed(1)} s (${(8000 / replaySeconds).toFixed(0)} notifications/s) |`,
  );
  const allSeconds = firstSeconds + replaySeconds;
  const allStarts = [...startedAt.keys()].filter((key) => key.startsWith('tp-')).length;
  console.log(
    `| all 10,000 notifications over 1,000 keys | ${allStarts} runs (one per key) in ${allSeconds.toFixed(1)} s: ${(10_000 / allSeconds).toFixed(0)} notifications/s, ${(allStarts / allSeconds).toFixed(1)} starts/s |`,
  );
  recordFigure({ section: 'keyed', measure: 'keyed notifications handled per second (10,000 over 1,000 keys)', value: 10_000 / allSeconds, unit: '/s', goal: { min: 500 } });
}

async function costPerRun(): Promise<void> {
  const dynamo = await startDynalite('keys');
  const counts = new Map<string, number>();
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.set(String(context.commandName), (counts.get(String(context.commandName)) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize' },
  );
  const trigger = defined(keyedTriggerOf(product.name, product.trigger));
  const bucket = new Map<string, string>();
  const conductor = createConductor({
    triggers: () => [trigger],
    bucket: 'b',
    list: async (prefix) => [...bucket].filter(([key]) => key.startsWith(prefix)).map(([key, etag]) => ({ key, etag })),
    ledger: new DynamoDbKeyLedger(dynamo.client, 'keys'),
    scheduleCheck: async () => undefined,
    startRun: async () => 'started',
  });
  const KEYS = 100;
  // Each key: its three items, each notified twice (EventBridge delivers at least once).
  for (let i = 0; i < KEYS; i++) {
    for (const type of ['A', 'C', 'B']) {
      const key = `data/${type}/k${i}/${type}.dat`;
      bucket.set(key, 'e');
      await conductor.onObject(key, 'e');
      await conductor.onObject(key, 'e');
    }
  }
  await dynamo.stop();
  const per = (name: string) => ((counts.get(name) ?? 0) / KEYS).toFixed(1);
  const writes = ['PutItemCommand', 'UpdateItemCommand'].reduce((sum, name) => sum + (counts.get(name) ?? 0), 0) / KEYS;
  const reads = ['GetItemCommand', 'QueryCommand'].reduce((sum, name) => sum + (counts.get(name) ?? 0), 0) / KEYS;
  const transitions = compileGraph(product).stats.transitionsPerRun;
  console.log('\n## Cost of one keyed run (2 required + 1 optional item, each notified twice)\n');
  console.log('| per run | count | on-demand price (us-east-1, 2026) |');
  console.log('|---|---|---|');
  console.log(`| DynamoDB writes (PutItem ${per('PutItemCommand')}, UpdateItem ${per('UpdateItemCommand')}) | ${writes.toFixed(1)} | $${((writes * 0.625) / 1e6).toFixed(7)} |`);
  console.log(
    `| DynamoDB strongly consistent reads (GetItem ${per('GetItemCommand')}, Query ${per('QueryCommand')}) | ${reads.toFixed(1)} | $${((reads * 0.125) / 1e6).toFixed(7)} |`,
  );
  console.log(`| Step Functions state transitions (this one-step product) | ${transitions} | $${((transitions * 25) / 1e6).toFixed(6)} |`);
}

export async function keyedTables(): Promise<void> {
  await latencyAndThroughput();
  await costPerRun();
}
