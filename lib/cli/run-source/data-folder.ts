/** The run source of the data folder: the local runtime's run database, read directly (no server needed). */
import * as z from 'zod/mini';
import { type ReuseDecisionAnswer, type RunDetail, type RunSummary, reuseDecisionSchema, type StepOutcome } from '../../contract/run-answers';
import { reuseDecisionKey } from '../../contract/step-reuse';
import type { RunRecord, StepRecord } from '../../local/runs/run-record';
import { RunStore } from '../../local/runs/run-store';
import { readStoredText } from '../../local/storage/stored-objects';
import { OrchestraError } from '../../shared/errors';
import type { Output } from '../output';
import type { RunFilter, RunSource, SourceLogLine } from './source';

const summaryOf = (run: RunRecord): RunSummary => ({
  pipeline: run.pipeline,
  runId: run.runId,
  status: run.status,
  startedAt: run.startedAt,
  ...(run.stoppedAt === undefined ? {} : { stoppedAt: run.stoppedAt }),
});

/** In a list, a finished run says what it cost (a run's detail has its whole `cost`). */
const listedOf = (run: RunRecord): RunSummary => ({ ...summaryOf(run), ...(run.cost === undefined ? {} : { costUsd: run.cost.totalUsd }) });

/** The API's step outcome: RETRYING is, between two attempts, a step still running. */
const outcomeOf = (step: StepRecord): StepOutcome => ({
  status: step.status === 'RETRYING' ? 'RUNNING' : step.status,
  attempts: step.attempts,
  ...(step.error === undefined ? {} : { error: step.error.error, cause: step.error.cause }),
  ...(step.startedAt === undefined ? {} : { startedAt: step.startedAt }),
  ...(step.stoppedAt === undefined ? {} : { stoppedAt: step.stoppedAt }),
  ...(step.reusedFrom === undefined ? {} : { reusedFrom: step.reusedFrom }),
  ...(step.usage === undefined ? {} : { usage: step.usage }),
  ...(step.usageOmitted === undefined ? {} : { usageOmitted: step.usageOmitted }),
});

export function dataFolderSource(dataDir: string, output: Output): RunSource {
  const store = () => new RunStore(dataDir);
  return {
    where: dataDir,
    async listRuns(filter: RunFilter) {
      const scanned = store().scan();
      for (const damaged of scanned.damaged) output.err(`warning: ${damaged.message}`);
      return scanned.runs
        .filter((run) => (filter.pipeline === undefined || run.pipeline === filter.pipeline) && (filter.status === undefined || run.status === filter.status))
        .slice(0, filter.limit)
        .map(listedOf);
    },
    async readRun(runId: string): Promise<RunDetail> {
      const run = store().get(runId);
      return {
        ...summaryOf(run),
        executionArn: `local:${run.pipeline}:${run.runId}`,
        input: run.input,
        ...(run.error === undefined ? {} : { error: run.error.error, cause: run.error.cause }),
        redrivenAt: run.redriveDate === undefined ? [] : [run.redriveDate],
        steps: Object.fromEntries(Object.entries(run.steps).map(([id, step]) => [id, outcomeOf(step)])),
        ...(run.cost === undefined ? {} : { cost: run.cost }),
      };
    },
    async readLogs(run: RunDetail): Promise<SourceLogLine[]> {
      return store()
        .readLog(run.runId)
        .map((entry) => ({
          time: entry.time,
          message: entry.message,
          stream: entry.stream,
          ...(entry.step === undefined ? {} : { step: entry.step }),
          ...(entry.attempt === undefined ? {} : { attempt: entry.attempt }),
        }));
    },
    async readReuseDecision(run: RunDetail, step: string): Promise<ReuseDecisionAnswer | undefined> {
      const key = reuseDecisionKey(run.pipeline, step, run.runId);
      const text = await readStoredText(dataDir, key);
      if (text === undefined) return undefined;
      const decision = reuseDecisionSchema.safeParse(JSON.parse(text));
      if (!decision.success)
        throw new OrchestraError(
          'damaged-record',
          `${key} in ${dataDir} is not a reuse decision (${z.prettifyError(decision.error)}): delete it; the step's next run decides again`,
        );
      return decision.data;
    },
  };
}
