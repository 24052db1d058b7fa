/**
 * Where the runs API reads what each step of a run used: CloudWatch Logs on AWS (Lambda's REPORT
 * records, Container Insights' task samples: ./cloudwatch-usage.ts), the run
 * database locally (measured by the runtime: lib/local/usage). A port, like RunLogs, so the function
 * and the local runtime share the answer's shape and the cost's rules without importing each other.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { InvocationUsage, StepOutcome } from '../contract/run-answers';

/** Invocations listed per step at most: a forEach step of thousands of items says how many more it had. */
export const MAX_USAGE_PER_STEP = 100;

export type UsageByStep = Readonly<Record<string, readonly InvocationUsage[]>>;

export interface RunUsage {
  /** Each step's invocations, in any order. `during`: the run's span, so a store of many runs reads only that. */
  read(pipeline: string, runId: string, history: readonly HistoryEvent[], during?: { readonly start: Date; readonly stop?: Date | undefined }): Promise<UsageByStep>;
}

/** The steps with what each used, in the order the invocations ended, the first MAX_USAGE_PER_STEP of each. */
export function withUsage(steps: Readonly<Record<string, StepOutcome>>, usage: UsageByStep): Record<string, StepOutcome> {
  const merged: Record<string, StepOutcome> = { ...steps };
  for (const [id, used] of Object.entries(usage)) {
    const outcome = merged[id];
    if (outcome === undefined || used.length === 0) continue;
    const ordered = [...used].sort((a, b) => a.endedAt.localeCompare(b.endedAt));
    merged[id] = {
      ...outcome,
      usage: ordered.slice(0, MAX_USAGE_PER_STEP),
      ...(ordered.length > MAX_USAGE_PER_STEP ? { usageOmitted: ordered.length - MAX_USAGE_PER_STEP } : {}),
    };
  }
  return merged;
}

/** A step's billed seconds when every one of its `runs` invocations has a billed duration, else undefined (its cost then takes the history's times). */
export function billedSecondsOf(used: readonly InvocationUsage[] | undefined, runs: number): number | undefined {
  if (used === undefined || used.length !== runs || runs === 0) return undefined;
  let milliseconds = 0;
  for (const each of used) {
    if (each.billedDurationMs === undefined) return undefined;
    milliseconds += each.billedDurationMs;
  }
  return milliseconds / 1000;
}
