/**
 * `GET /keys/{key}`: what the keyed triggers' conductor recorded for a key (an observation id), per
 * keyed pipeline — which types arrived (when, which version), which required ones are missing, and
 * the runs it started with how they stand. The ledger is DynamoDB in AWS and the run database locally.
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import type { KeyReport } from '../../lib/contract/run-answers';
import { executionArnOf } from '../../lib/runtime/execution-history';
import type { KeyLedger } from '../../lib/runtime/keyed/key-ledger';
import type { KeyedTrigger } from '../../lib/runtime/keyed/keyed-trigger';

export interface KeyedPipelines {
  readonly triggers: readonly KeyedTrigger[];
  readonly ledger: Pick<KeyLedger, 'get'>;
}

/** The report, or undefined when no data item with this key reached any keyed pipeline. */
/** What a run cost (USD, from its history), when the API can say: it knows the pipeline's steps. */
export type RunCostReader = (pipeline: string, executionArn: string) => Promise<number | undefined>;

export async function keyReport(
  key: string,
  keyed: KeyedPipelines,
  sfn: SFNClient,
  stateMachines: Readonly<Record<string, string>>,
  costOf: RunCostReader = async () => undefined,
): Promise<KeyReport | undefined> {
  const pipelines: Array<KeyReport['pipelines'][number]> = [];
  for (const trigger of keyed.triggers) {
    const record = await keyed.ledger.get(trigger.pipeline, key);
    if (record === undefined) continue;
    const arrivedTypes = new Set(record.arrivals.map((arrival) => arrival.type));
    const runs = [];
    for (const claim of record.claims) {
      const machine = stateMachines[trigger.pipeline];
      let status = 'UNKNOWN';
      let costUsd: number | undefined;
      if (machine !== undefined) {
        const executionArn = executionArnOf(machine, claim.runName);
        try {
          status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'UNKNOWN';
          costUsd = await costOf(trigger.pipeline, executionArn);
        } catch (error) {
          // Claimed, but its start was lost with a crash: the next notification for the key starts it.
          if (!(error instanceof ExecutionDoesNotExist)) throw error;
          status = 'NOT_STARTED';
        }
      }
      runs.push({ runId: claim.runName, version: claim.version, claimedAt: claim.claimedAt, status, ...(costUsd === undefined ? {} : { costUsd }) });
    }
    pipelines.push({
      pipeline: trigger.pipeline,
      state: record.readyAt !== undefined ? 'READY' : record.expiredAt !== undefined ? 'EXPIRED' : 'WAITING',
      firstSeen: record.firstSeen,
      ...(record.readyAt === undefined ? {} : { readyAt: record.readyAt }),
      ...(record.expiredAt === undefined ? {} : { expiredAt: record.expiredAt }),
      arrived: record.arrivals.map(({ type, objectKey, etag, at }) => ({ type, objectKey, etag, at })),
      missing: trigger.required.filter((type) => !arrivedTypes.has(type)),
      runs,
    });
  }
  const costs = pipelines.flatMap((entry) => entry.runs.flatMap((run) => (run.costUsd === undefined ? [] : [run.costUsd])));
  return pipelines.length === 0 ? undefined : { key, pipelines, ...(costs.length === 0 ? {} : { totalUsd: costs.reduce((sum, cost) => sum + cost, 0) }) };
}
