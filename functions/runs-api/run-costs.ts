/**
 * Each listed run's cost (`costUsd`), the same on both targets: read from `costs/<pipeline>/<run id>.json`,
 * else — a finished run listed for the first time — computed from its history by the one formula
 * (lib/runtime/run-cost.ts) and recorded there, so a page of runs costs one history read per run once.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { RunSummary } from '../../lib/contract/run-answers';
import { runCostKey } from '../../lib/contract/step-event';
import { executionArnOf, readExecutionHistory } from '../../lib/runtime/execution-history';
import { runCostFrom } from '../../lib/runtime/run-cost';
import { readStoredRecord } from '../../lib/runtime/stored-records';
import { isJsonRecord } from '../../lib/shared/json';
import type { RouteContext } from './context';

/** History reads at once: Step Functions throttles GetExecutionHistory per account. */
const AT_ONCE = 8;

/**
 * A finished run's cost never changes: a warm function (the console polls lists) answers from memory,
 * one memory per API (the local runtime may serve several in one process).
 */
const knownByApi = new WeakMap<object, Map<string, number>>();
const KNOWN_AT_MOST = 10_000;
function memoryOf(api: RouteContext): Map<string, number> {
  let known = knownByApi.get(api.dependencies);
  if (known === undefined) {
    known = new Map();
    knownByApi.set(api.dependencies, known);
  }
  if (known.size >= KNOWN_AT_MOST) known.clear();
  return known;
}

async function recordedCost(api: RouteContext, run: RunSummary): Promise<number | undefined> {
  const { data, pipelines } = api.dependencies;
  const described = api.describedOf(run.pipeline);
  const machine = Object.hasOwn(pipelines, run.pipeline) ? pipelines[run.pipeline] : undefined;
  if (data === undefined || described === undefined || machine === undefined || run.status === 'RUNNING') return undefined;
  const key = runCostKey(run.pipeline, run.runId);
  const known = memoryOf(api);
  const remember = (usd: number): number => {
    known.set(key, usd);
    return usd;
  };
  const remembered = known.get(key);
  if (remembered !== undefined) return remembered;
  // Not recorded yet (undefined), or recorded; a damaged record (not JSON) is recorded again.
  const recorded = await readStoredRecord(data.s3, data.bucket, key).catch((error: unknown) => {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  });
  if (isJsonRecord(recorded) && typeof recorded['totalUsd'] === 'number') return remember(recorded['totalUsd']);
  const cost = runCostFrom(await readExecutionHistory(api.sfn, executionArnOf(machine, run.runId)), described);
  await data.s3.send(new PutObjectCommand({ Bucket: data.bucket, Key: key, Body: JSON.stringify(cost), ContentType: 'application/json' }));
  return remember(cost.totalUsd);
}

export async function withCosts(api: RouteContext, runs: readonly RunSummary[]): Promise<RunSummary[]> {
  const costed: RunSummary[] = [];
  for (let start = 0; start < runs.length; start += AT_ONCE) {
    const batch = runs.slice(start, start + AT_ONCE);
    const costs = await Promise.all(batch.map((run) => recordedCost(api, run)));
    batch.forEach((run, index) => {
      const costUsd = costs[index];
      costed.push(costUsd === undefined ? run : { ...run, costUsd });
    });
  }
  return costed;
}

/**
 * What a set of runs cost (a backfill's): the recorded cost of each finished one, a run not listed yet
 * described first (a running one is counted apart, its cost not known yet).
 */
export async function costOfRuns(
  api: RouteContext,
  runs: ReadonlyArray<{ readonly pipeline: string; readonly runId: string }>,
): Promise<{ usd: number; finishedRuns: number; runningRuns: number }> {
  const total = { usd: 0, finishedRuns: 0, runningRuns: 0 };
  for (let start = 0; start < runs.length; start += AT_ONCE) {
    const costs = await Promise.all(
      runs.slice(start, start + AT_ONCE).map(async (run) => {
        const known = memoryOf(api).get(runCostKey(run.pipeline, run.runId));
        if (known !== undefined) return known;
        const machine = Object.hasOwn(api.dependencies.pipelines, run.pipeline) ? api.dependencies.pipelines[run.pipeline] : undefined;
        if (machine === undefined) return undefined;
        const execution = await api.sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(machine, run.runId) }));
        const status = execution.status ?? 'RUNNING';
        return recordedCost(api, { ...run, status, startedAt: (execution.startDate ?? new Date(0)).toISOString() });
      }),
    );
    for (const usd of costs) {
      if (usd === undefined) total.runningRuns += 1;
      else {
        total.usd += usd;
        total.finishedRuns += 1;
      }
    }
  }
  return total;
}
