/**
 * `forEach` steps on the embedded runtime, through the same compiled ASL AWS runs: an inline Map over
 * an array result, and a Distributed Map over a list in S3 (2,000 items) whose results land in S3
 * (ItemReader/ResultWriter through the patched interpreter), at most `maxConcurrency` items at once,
 * failing only past its tolerated failure percentage.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { PipelineGraph } from '../../lib/graph/schema';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { isJsonRecord, parseStoredJson } from '../../lib/shared/json';
import { tally } from '../fixtures/functions/items/item';
import { download, startTestRuntime } from '../helpers/local-runtime';

const LIST = 'test/fixtures/functions/items/list.ts';
const ITEM = 'test/fixtures/functions/items/item.ts';

const inline: PipelineGraph = {
  name: 'inline-each',
  steps: {
    list: { kind: 'lambda', handler: LIST, parameters: { count: 200 } },
    square: { kind: 'lambda', handler: ITEM, dependsOn: ['list'], forEach: { from: 'list', items: 'items', maxConcurrency: 4, maxItems: 200 } },
  },
};

const containers: PipelineGraph = {
  name: 'container-each',
  steps: {
    list: { kind: 'lambda', handler: LIST, parameters: { count: 3 } },
    show: {
      kind: 'container',
      image: 'registry.example.org/show:1',
      dependsOn: ['list'],
      forEach: { from: 'list', items: 'items', maxConcurrency: 2 },
      local: { command: ['node', '-e', "console.log('item', process.env.ORCHESTRA_ITEM, process.env.ORCHESTRA_ITEM_INDEX, process.env.ORCHESTRA_OUTPUT_PREFIX)"] },
    },
  },
};

const distributed = (name: string, count: number, failing: number[], tolerated: number): PipelineGraph => ({
  name,
  steps: {
    list: { kind: 'lambda', handler: LIST, parameters: { count, inS3: true, failing } },
    square: {
      kind: 'lambda',
      handler: ITEM,
      dependsOn: ['list'],
      retry: { maxAttempts: 2 },
      forEach: { from: 'list', manifest: 'list', maxConcurrency: 7, toleratedFailurePercentage: tolerated },
    },
    after: { kind: 'simulate', dependsOn: ['square'] },
  },
});

/** About 3,600 items of 7 history events each: more than the 25,000 events AWS keeps per execution. */
const historyFull: PipelineGraph = {
  name: 'history-full',
  steps: {
    list: { kind: 'lambda', handler: LIST, parameters: { count: 3700 } },
    square: { kind: 'lambda', handler: ITEM, dependsOn: ['list'], forEach: { from: 'list', items: 'items', maxConcurrency: 40 } },
  },
};

const runtime = await startTestRuntime(
  [
    inline,
    containers,
    historyFull,
    distributed('distributed-each', 2000, [], 0),
    distributed('some-failures', 50, [3, 17], 5),
    distributed('too-many-failures', 50, [1, 2, 3, 4], 5),
  ],
  { retryDelayMs: 1 },
);
afterAll(() => runtime.stop());
beforeEach(() => Object.assign(tally(), { running: 0, peak: 0, seen: [] }));

const run = async (pipeline: string): Promise<RunRecord> => runtime.waitForRun((await runtime.startRun(pipeline, { source: 'api' })).runId);
/** The step's result as the run state held it when its Map exited. */
function mapResult(record: RunRecord, step: string): unknown {
  const exited = runtime.store.readHistory(record.runId).find((event) => event.type === 'MapStateExited' && event.stateExitedEventDetails?.name === step);
  const output = parseStoredJson(exited?.stateExitedEventDetails?.output ?? 'null');
  return isJsonRecord(output) && isJsonRecord(output['steps']) ? output['steps'][step] : undefined;
}
const json = async (key: string): Promise<unknown> => JSON.parse((await download(runtime, key)).toString());

describe('an inline forEach (an array in the run state)', () => {
  it('runs the step once per item, at most maxConcurrency at once, and keeps the results in list order', async () => {
    const record = await run('inline-each');
    expect(record.status).toBe('SUCCEEDED');
    expect(record.steps['square']).toMatchObject({ status: 'SUCCEEDED' });
    expect(tally().seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(tally().peak).toBeLessThanOrEqual(4);
    expect(tally().peak).toBeGreaterThan(1);
    const results = mapResult(record, 'square');
    expect(Array.isArray(results) && results.length).toBe(200);
    expect((results as unknown[])[12]).toEqual({ n: 12, squared: 144, prefix: `runs/inline-each/${record.runId}/square/items/12/` });
  });
});

describe('an execution past 25,000 history events', () => {
  it("fails as AWS fails it: States.Runtime in event 25,000, the last of its states' events 24,999 (it succeeded with 25,013: issue 29, item 16)", async () => {
    const record = await run('history-full');

    expect(record).toMatchObject({ status: 'FAILED', error: { error: 'States.Runtime', cause: 'The execution reached the maximum number of history events (25000).' } });
    const history = runtime.store.readHistory(record.runId);
    expect(history).toHaveLength(25_000);
    expect(history.at(-1)).toMatchObject({ id: 25_000, previousEventId: 24_999, type: 'ExecutionFailed' });
    expect(history.filter((event) => event.type?.startsWith('Execution') && event.type !== 'ExecutionStarted')).toHaveLength(1);
  }, 120_000);
});

describe('a forEach container step', () => {
  it('runs one process per item, each given its item, index and own output folder', async () => {
    const record = await run('container-each');
    expect(record.status).toBe('SUCCEEDED');
    const lines = runtime.store
      .logPage(record.runId, 0, 100)
      .entries.map((entry) => entry.message)
      .filter((line) => line.startsWith('item '))
      .sort();
    expect(lines).toEqual([0, 1, 2].map((n) => `item {"n":${n}} ${n} runs/container-each/${record.runId}/show/items/${n}/`));
  });
});

describe('a distributed forEach (a list in S3)', () => {
  it('runs 2,000 items at most maxConcurrency at once, and writes their results to S3 instead of the run state', async () => {
    const progress: number[] = [];
    const stop = runtime.on((event) => {
      if (event.type === 'step-progress' && event.step === 'square') progress.push(event.percent);
    });
    const record = await run('distributed-each');
    stop();
    // Progress is the share of items done, reported every 10 %.
    expect(progress).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(record.status).toBe('SUCCEEDED');
    expect(tally().seen).toHaveLength(2000);
    expect(tally().peak).toBe(7);
    const result = mapResult(record, 'square') as { mapRunArn: string; results: { Bucket: string; Key: string } };
    expect(result.results.Key).toMatch(new RegExp(`^runs/distributed-each/${record.runId}/square/results/[0-9a-f-]{36}/manifest\\.json$`));
    const manifest = (await json(result.results.Key)) as { ResultFiles: Record<string, Array<{ Key: string }>> };
    expect(manifest.ResultFiles['FAILED']).toEqual([]);
    const succeeded = (await json(manifest.ResultFiles['SUCCEEDED']?.[0]?.Key ?? '')) as Array<{ Status: string; Input: string; Output: string }>;
    expect(succeeded).toHaveLength(2000);
    expect(JSON.parse(succeeded[5]?.Output ?? '{}')).toMatchObject({ n: 5, squared: 25 });
    expect(record.steps['after']?.status).toBe('SUCCEEDED');
    // The items ran as child executions on AWS: the run's own history holds none of their events.
    expect(record.historyEvents).toBeLessThan(50);
    expect(runtime.store.readHistory(record.runId).filter((event) => JSON.stringify(event).includes('square: item'))).toEqual([]);
  });

  it('succeeds with failed items within the tolerated percentage, recording each failure in FAILED_0.json', async () => {
    const record = await run('some-failures');
    expect(record.status).toBe('SUCCEEDED');
    const result = mapResult(record, 'square') as { results: { Key: string } };
    const manifest = (await json(result.results.Key)) as { ResultFiles: Record<string, Array<{ Key: string }>> };
    const failed = (await json(manifest.ResultFiles['FAILED']?.[0]?.Key ?? '')) as Array<{ Error: string; Cause: string; Input: string }>;
    expect(failed.map((item) => [JSON.parse(item.Input).n, item.Error])).toEqual([
      [3, 'Orchestra.Permanent'],
      [17, 'Orchestra.Permanent'],
    ]);
    expect(failed[0]?.Cause).toContain('item 3 is marked to fail');
  });

  it('fails the step past the tolerated percentage with States.ExceedToleratedFailureThreshold, and later steps do not run', async () => {
    const record = await run('too-many-failures');
    expect(record.status).toBe('FAILED');
    expect(record.steps['square']).toMatchObject({ status: 'FAILED', attempts: 1, error: { error: 'States.ExceedToleratedFailureThreshold' } });
    expect(record.steps['square']?.error?.cause).toContain('4 of 50 items failed');
    expect(record.steps['after']?.status).toBe('SKIPPED');
  });
});
