/**
 * Where the end-to-end tests run: the embedded runtime (default), or a deployed stack when
 * ORCHESTRA_E2E_ENDPOINT is set (http://localhost:4566 for LocalStack, or "aws" for the account in
 * the environment; ORCHESTRA_E2E_STACK names the stack, default "Orchestra"). A target that cannot be
 * reached fails the suite with what to do; nothing is skipped.
 */
import type { StepOutcome } from '../../../lib/contract/run-answers';
import { DeployedTarget } from './deployed';
import { EmbeddedTarget } from './embedded';

/** A settled run's steps are SUCCEEDED or FAILED; ABORTED when the run was stopped during one; SKIPPED when it ended before one. */
export type StepResult = Pick<StepOutcome, 'status' | 'attempts' | 'error' | 'cause'>;

export interface TargetRun {
  readonly runId: string;
  readonly status: string;
  /** Steps that ran; a step that never started is absent. */
  readonly steps: Readonly<Record<string, StepResult>>;
}

export interface E2ETarget {
  readonly description: string;
  upload(key: string, body: string | Uint8Array): Promise<void>;
  download(key: string): Promise<Buffer>;
  listKeys(prefix: string): Promise<string[]>;
  /** Uploads a dataset's files, in order, under `prefix` and returns the run they start, once it ended. */
  runFromUpload(pipeline: string, prefix: string, files: ReadonlyArray<readonly [string, string | Uint8Array]>): Promise<TargetRun>;
  /** How many runs of `pipeline` started for the dataset under `prefix`, once uploads in flight are handled. */
  runsStartedFor(pipeline: string, prefix: string): Promise<number>;
  /** Log lines of a step that mention the run id. */
  stepLogLines(pipeline: string, runId: string, stepId: string): Promise<string[]>;
  close(): Promise<void>;
}

export const E2E_ENDPOINT_VARIABLE = 'ORCHESTRA_E2E_ENDPOINT';

export async function e2eTarget(pipelineFiles: readonly string[]): Promise<E2ETarget> {
  const endpoint = process.env[E2E_ENDPOINT_VARIABLE];
  if (endpoint === undefined || endpoint === '') return EmbeddedTarget.start(pipelineFiles);
  return DeployedTarget.connect(endpoint, process.env['ORCHESTRA_E2E_STACK'] ?? 'Orchestra');
}
