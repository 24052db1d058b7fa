/**
 * A deployed stack (LocalStack or AWS) as an end-to-end target, through lib/deployed. Upload events
 * are handled asynchronously there, so "no second run" is checked after a grace period.
 */
import { join } from 'node:path';
import { describePipeline, loadPipeline } from '../../../lib/catalogue';
import { DeployedStack } from '../../../lib/deployed/deployed-stack';
import { RunStore } from '../../../lib/local/runs/run-store';
import { ingestTriggerOf } from '../../../lib/runtime/ingest';
import { ROOT } from '../../helpers/local-runtime';
import { stepLogLinesIn } from './embedded';
import type { E2ETarget, TargetRun } from './target';

/** How long an upload event may take to reach the trigger on a deployed stack (EventBridge), and under `orchestra up` (in-process). */
const TRIGGER_GRACE_MS = { deployed: 20_000, local: 2000 };

export class DeployedTarget implements E2ETarget {
  private constructor(
    private readonly stack: DeployedStack,
    /** For `local:<data folder>`: where `orchestra up` keeps its run database (its logs stand in for CloudWatch's). */
    private readonly localDataDir: string | undefined,
  ) {}

  get description(): string {
    return `the stack deployed at ${this.stack.endpointLabel}`;
  }

  static async connect(endpoint: string, stackName: string): Promise<DeployedTarget> {
    return new DeployedTarget(await DeployedStack.connect({ endpoint, stackName }), endpoint.startsWith('local:') ? endpoint.slice('local:'.length) : undefined);
  }

  async upload(key: string, body: string | Uint8Array): Promise<void> {
    await this.stack.upload(key, body);
  }

  download(key: string): Promise<Buffer> {
    return this.stack.download(key);
  }

  listKeys(prefix: string): Promise<string[]> {
    return this.stack.listKeys(prefix);
  }

  async runFromUpload(pipeline: string, prefix: string, files: ReadonlyArray<readonly [string, string | Uint8Array]>): Promise<TargetRun> {
    const graph = loadPipeline(join(ROOT, 'state-machines', `${pipeline}.graph.json`)).graph;
    const trigger = ingestTriggerOf(pipeline, graph.trigger);
    if (trigger === undefined) throw new Error(`${pipeline} has no ingest prefix`);
    const executionArn = await this.stack.uploadDataset(trigger, prefix, files);
    return this.stack.waitForRun(executionArn, { description: describePipeline(graph) });
  }

  async runsStartedFor(pipeline: string, prefix: string): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, this.localDataDir === undefined ? TRIGGER_GRACE_MS.deployed : TRIGGER_GRACE_MS.local));
    return this.stack.countExecutions(pipeline, (input) => input['prefix'] === prefix);
  }

  async stepLogLines(pipeline: string, runId: string, stepId: string): Promise<string[]> {
    if (this.localDataDir !== undefined) {
      const store = new RunStore(this.localDataDir);
      try {
        return stepLogLinesIn(store, runId, stepId);
      } finally {
        await store.close();
      }
    }
    // CloudWatch Logs ingestion lags by seconds.
    for (let attempt = 0; ; attempt++) {
      const lines = await this.stack.stepLogLines(pipeline, stepId, runId);
      if (lines.length > 0 || attempt >= 10) return lines;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }

  async close(): Promise<void> {
    this.stack.close();
  }
}
