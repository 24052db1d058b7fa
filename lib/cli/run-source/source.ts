/**
 * Where `orchestra runs`, `logs` and `status` read runs: the data folder of the local runtime, or a
 * runs API (a local `orchestra up`, any URL, a deployed stack). One interface, two adapters, so the
 * commands print one shape whichever they read — the runs API's own answer types.
 */
import type { LogLine, ReuseDecisionAnswer, RunDetail, RunSummary } from '../../contract/run-answers';

/** A log line, with the attempt and stream when the source knows them (the data folder does; CloudWatch does not). */
export interface SourceLogLine extends LogLine {
  readonly attempt?: number;
  readonly stream?: 'stdout' | 'stderr' | 'system';
}

export interface RunFilter {
  readonly limit: number;
  readonly pipeline?: string | undefined;
  readonly status?: string | undefined;
}

export interface RunSource {
  /** Where the runs are, for "no runs at …". */
  readonly where: string;
  /** Newest first. */
  listRuns(filter: RunFilter): Promise<RunSummary[]>;
  /** One run with its steps; `pipeline` is needed where run ids are unique per pipeline only (a runs API). */
  readRun(runId: string, pipeline: string | undefined): Promise<RunDetail>;
  /** Every line of the run, oldest first. */
  readLogs(run: RunDetail): Promise<SourceLogLine[]>;
  /** Why the step was reused or computed; undefined when the run has no decision for it (not reused, or not reached). */
  readReuseDecision(run: RunDetail, step: string): Promise<ReuseDecisionAnswer | undefined>;
}
