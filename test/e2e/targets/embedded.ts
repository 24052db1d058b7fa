/** The embedded runtime as an end-to-end target: uploads go to its S3, runs come from its run store. */
import type { RunRecord } from '../../../lib/local/runs/run-record';
import type { RunStore } from '../../../lib/local/runs/run-store';
import type { LocalRuntime } from '../../../lib/local/runtime';
import { download, nextRunOn, startTestRuntime, upload } from '../../helpers/local-runtime';
import type { E2ETarget, StepResult, TargetRun } from './target';

/** A step's log lines that mention the run id, from a local run database. */
export const stepLogLinesIn = (store: RunStore, runId: string, stepId: string): string[] =>
  store
    .readLog(runId)
    .filter((e) => e.step === stepId && e.message.includes(runId))
    .map((e) => e.message);

export class EmbeddedTarget implements E2ETarget {
  readonly description = 'the embedded runtime';

  private constructor(readonly runtime: LocalRuntime) {}

  static async start(pipelineFiles: readonly string[]): Promise<EmbeddedTarget> {
    return new EmbeddedTarget(await startTestRuntime(pipelineFiles));
  }

  upload(key: string, body: string | Uint8Array): Promise<void> {
    return upload(this.runtime, key, body);
  }

  download(key: string): Promise<Buffer> {
    return download(this.runtime, key);
  }

  async listKeys(prefix: string): Promise<string[]> {
    return (await this.runtime.s3.listKeys(prefix)).map((o) => o.key);
  }

  async runFromUpload(_pipeline: string, prefix: string, files: ReadonlyArray<readonly [string, string | Uint8Array]>): Promise<TargetRun> {
    const finished = nextRunOn(this.runtime, prefix);
    for (const [name, body] of files) await this.upload(`${prefix}${name}`, body);
    return toTargetRun(await finished);
  }

  async runsStartedFor(pipeline: string, prefix: string): Promise<number> {
    await this.runtime.settleUploads();
    return this.runtime.store.list().filter((r) => r.pipeline === pipeline && r.input.prefix === prefix).length;
  }

  async stepLogLines(_pipeline: string, runId: string, stepId: string): Promise<string[]> {
    return stepLogLinesIn(this.runtime.store, runId, stepId);
  }

  async close(): Promise<void> {
    await this.runtime.stop();
  }
}

function toTargetRun(record: RunRecord): TargetRun {
  const steps: Record<string, StepResult> = {};
  for (const [id, step] of Object.entries(record.steps)) {
    if (step.status !== 'SUCCEEDED' && step.status !== 'FAILED') continue;
    steps[id] = { status: step.status, attempts: step.attempts, ...(step.error === undefined ? {} : { error: step.error.error, cause: step.error.cause }) };
  }
  return { runId: record.runId, status: record.status, steps };
}
