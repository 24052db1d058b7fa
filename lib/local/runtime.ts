/**
 * The embedded runtime: the embedded S3 and its upload events, the local Step Functions endpoint,
 * the ingest router (which runs the deployed upload trigger against both), the run controller and
 * the run store, wired together. Nothing in it is process-wide: several runtimes may share one
 * process, each in-process invocation reading its own runtime's environment (bucket, S3 endpoint).
 */

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createIngestTrigger } from '../../functions/ingest-trigger';
import { dataItemAccessOf } from '../access/data-items';
import { pipelineInputPrefixes } from '../access/roles';
import { describePipeline, type PipelineSource } from '../catalogue';
import type { Json } from '../compiler/asl';
import type { ActivityEvent } from '../contract/activity';
import { FUNCTION_ENV } from '../contract/environment';
import type { RunChange } from '../contract/run-changes';
import type { RunInput } from '../contract/step-event';
import { resolveStep } from '../graph/resolve-step';
import { ingestTriggerOf } from '../runtime/ingest';
import type { RunLogs } from '../runtime/run-logs';
import type { RunUsage } from '../runtime/run-usage';
import { InvariantError } from '../shared/errors';
import { type RunsApiServer, serveRunsApi } from './endpoints/runs-api-server';
import { type StepFunctionsEndpoint, serveStepFunctions } from './endpoints/step-functions/server';
import { LocalStepFunctions } from './endpoints/step-functions/service';
import { StepIdentities } from './endpoints/step-identities';
import { LOCAL_REGION, localStateMachineArn } from './engine/bindings';
import { HandlerModules } from './engine/handler-modules';
import { removeInterruptedWrites, type StepProcess, StepProcesses } from './engine/leftovers';
import { s3MapItemIO } from './engine/map-io';
import { Semaphore } from './engine/semaphore';
import { stepEnvironmentsFor } from './engine/step-invoker';
import { TaskTokens } from './engine/task-tokens';
import { runStepLocally } from './kinds/registry';
import { localCodeIdentity } from './reuse/code-identity';
import { activityOf } from './runs/activity';
import { runChangeOf } from './runs/run-changes';
import { RunController, type StartRunOptions } from './runs/run-controller';
import { writeLocalRunCrate } from './runs/run-provenance';
import { type DamagedRunRecordError, type RunRecord, usageOfRecord } from './runs/run-record';
import { RunStore } from './runs/run-store';
import { RuntimeEvents, type RuntimeListener } from './runs/runtime-events';
import { lockDataDir } from './storage/data-dir-lock';
import { type EmbeddedS3, LOCAL_BUCKET, startEmbeddedS3 } from './storage/embedded-s3';
import { IngestRouter } from './triggers/ingest-router';
import { KeyedRouter, keyedTriggersOf } from './triggers/keyed-router';
import { LocalScheduler, type SchedulerClock } from './triggers/scheduler';

export { type StartRunOptions, UnknownPipelineError } from './runs/run-controller';
export type { RuntimeEvent } from './runs/runtime-events';

export interface LocalRuntimeOptions {
  /** Embedded S3 objects and run records live here. */
  readonly dataDir: string;
  /** @default 0 (any free port) */
  readonly s3Port?: number;
  /** Makes simulate steps reproducible (sets ORCHESTRA_SIMULATE_SEED). @default - random */
  readonly simulateSeed?: string;
  /** Replaces every retry wait; for tests and benchmarks. @default - the definition's intervals */
  readonly retryDelayMs?: number;
  /** Container steps running at once. @default the number of CPUs */
  readonly maxContainers?: number;
  /** Port of the local Step Functions endpoint. @default 0 (any free port) */
  readonly stepFunctionsPort?: number;
  /**
   * Holds each step to the IAM the stack deploys for its role: its calls to the embedded S3 are signed
   * with the role's own key and refused with AccessDenied where AWS would refuse them. @default true
   */
  readonly enforceIam?: boolean;
  /** false: no step is reused (each reuse check answers "run it"), though finished steps still save their entries. @default true */
  readonly reuse?: boolean;
}

/** What `--no-iam` (and `iam: false` in orchestra/testing) prints: the run no longer predicts AWS. */
export const IAM_OFF_WARNING =
  'IAM is not enforced: steps may read and write anywhere in the local bucket, so a run that succeeds here may be denied on AWS (AccessDenied) — drop --no-iam to check what the stack grants';

export class LocalRuntime {
  private readonly events = new RuntimeEvents();
  /** Task tokens of `.waitForTaskToken` Tasks, answered through the local Step Functions endpoint. */
  readonly tokens = new TaskTokens();
  private readonly controller: RunController;
  private readonly ingest: IngestRouter;
  private readonly keyed: KeyedRouter;
  private readonly triggers = new Map<string, ReturnType<typeof createIngestTrigger>>();
  private endpoint: StepFunctionsEndpoint | undefined;
  private sfnClient: SFNClient | undefined;
  private readonly servers: RunsApiServer[] = [];
  private scheduler: LocalScheduler | undefined;
  private readonly dataDir: string;
  /** What every step's environment holds; the endpoints known only once served are added later. */
  private readonly stepEnvironment: Record<string, string>;
  private readonly handlerEnvironment: Record<string, string | undefined>;
  /** In-process handlers, bundled as deployed and loaded again when their code changes. */
  private readonly handlers = new HandlerModules((reload) => this.events.emit({ type: 'handler-reloaded', ...reload }));
  /** Runs left RUNNING by a previous process that died, marked ABORTED at start. */
  readonly interruptedRuns: readonly string[];
  /** Run record files that could not be read at start (each names its file and what to do). */
  readonly damagedRecords: readonly DamagedRunRecordError[];
  /** What a previous process killed mid-work left and this one cleared at start: step processes still running, half-written uploads. */
  readonly leftovers: { readonly processes: readonly StepProcess[]; readonly interruptedWrites: { readonly files: number; readonly bytes: number } };

  private constructor(
    readonly s3: EmbeddedS3,
    readonly store: RunStore,
    options: LocalRuntimeOptions,
    private readonly unlock: () => void,
    /** Each step role's key pair and statements; undefined when IAM is not enforced. */
    readonly identities: StepIdentities | undefined,
  ) {
    const stepEnvironment: Record<string, string> = {
      ...s3.environment,
      [FUNCTION_ENV.bucket]: s3.bucket,
      POWERTOOLS_METRICS_NAMESPACE: 'Orchestra',
      ...(options.simulateSeed === undefined ? {} : { [FUNCTION_ENV.simulateSeed]: options.simulateSeed }),
    };
    const handlerEnvironment: Record<string, string | undefined> = { ...process.env, ...stepEnvironment };
    this.stepEnvironment = stepEnvironment;
    this.handlerEnvironment = handlerEnvironment;
    this.dataDir = options.dataDir;
    // Before any run starts or is redriven: a step process the last runtime left would run beside its redrive.
    const processes = new StepProcesses(options.dataDir);
    this.leftovers = { processes: processes.stopLeftovers(), interruptedWrites: removeInterruptedWrites(join(options.dataDir, 's3')) };
    this.controller = new RunController({
      processes,
      bucket: s3.bucket,
      tokens: this.tokens,
      // A Distributed Map's reads and writes are its state machine's, held to that role's statements when IAM is enforced.
      mapIO: (pipeline) => {
        const credentials = identities?.stateMachineCredentials(pipeline);
        return s3MapItemIO(credentials === undefined ? s3.client : s3.clientFor(credentials));
      },
      store,
      events: this.events,
      processSlots: new Semaphore(options.maxContainers ?? availableParallelism()),
      stepEnvironment,
      handlerEnvironment,
      handlers: this.handlers,
      ...(identities === undefined ? {} : { identities }),
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      ...(options.reuse === false ? { noReuse: true } : {}),
      // The crate beside the run's outputs, as the stack's run-provenance function writes it on AWS.
      recordProvenance: (pipeline, record, history) =>
        writeLocalRunCrate(s3, pipeline, record, history, (step, source) => localCodeIdentity(step, source.rootDir, this.handlers, handlerEnvironment)).then(() => undefined),
    });
    this.ingest = new IngestRouter(
      () => this.controller.pipelines,
      (pipeline, event) => this.ingestTriggerOf(pipeline)(event),
      this.events,
      (prefix) => s3.listKeys(prefix),
    );
    const { interrupted, damaged } = store.markInterrupted();
    this.interruptedRuns = interrupted;
    this.damagedRecords = damaged;
    this.keyed = new KeyedRouter({
      dataDir: options.dataDir,
      bucket: s3.bucket,
      s3: s3.client,
      listing: s3.listing,
      sfn: () => this.sfn,
      pipelines: () => this.controller.pipelines,
      events: this.events,
    });
    s3.onObjectCreated((event) => {
      this.ingest.route(event);
      this.keyed.route(event);
    });
  }

  static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const unlock = lockDataDir(options.dataDir);
    const identities = options.enforceIam === false ? undefined : new StepIdentities(LOCAL_BUCKET);
    let s3: EmbeddedS3;
    try {
      s3 = await startEmbeddedS3({
        dataDir: options.dataDir,
        ...(options.s3Port === undefined ? {} : { port: options.s3Port }),
        ...(identities === undefined ? {} : { stepAccess: identities }),
      });
    } catch (error) {
      unlock();
      throw error;
    }
    let runtime: LocalRuntime | undefined;
    try {
      runtime = new LocalRuntime(s3, new RunStore(options.dataDir, { importLegacy: true }), options, unlock, identities);
      runtime.endpoint = await serveStepFunctions(new LocalStepFunctions(runtime), {
        credentials: s3.credentials,
        ...(identities === undefined
          ? {}
          : {
              stepAccess: {
                secretOf: (id) => identities.secretOf(id),
                callDenial: (id, call) => identities.callDenial(id, call),
                stateMachineOfToken: (token) => runtime?.tokens.stateMachineOf(token),
              },
            }),
        ...(options.stepFunctionsPort === undefined ? {} : { port: options.stepFunctionsPort }),
      });
      runtime.sfnClient = new SFNClient({ endpoint: runtime.endpoint.url, region: LOCAL_REGION, credentials: { ...s3.credentials } });
      // Service steps answer their own tokens (an item already there) through this endpoint.
      runtime.addStepEnvironment({ [FUNCTION_ENV.stepFunctionsEndpoint]: runtime.endpoint.url });
      return runtime;
    } catch (error) {
      // Never leave the S3 port open (and the process alive), nor the database open, behind a runtime that did not start.
      await runtime?.store.close();
      await s3.stop();
      unlock();
      throw error;
    }
  }

  /** The same objects the run controller hands every step: later runs see the additions. */
  private addStepEnvironment(values: Readonly<Record<string, string>>): void {
    Object.assign(this.stepEnvironment, values);
    Object.assign(this.handlerEnvironment, values);
  }

  /** Serves the pipeline, replacing one of the same name (runs already started keep their definition). */
  addPipeline(pipeline: PipelineSource): void {
    this.controller.addPipeline(pipeline);
    // Roles depend on every pipeline served together (a parent's data items, the shared simulate role).
    this.identities?.update(this.controller.pipelines);
    // Its upload trigger is made again, from the new graph, at the next upload.
    this.triggers.delete(pipeline.name);
  }

  /** The local Step Functions endpoint's URL (AWS JSON 1.0, as @aws-sdk/client-sfn speaks it). */
  get stepFunctionsEndpoint(): string {
    return this.started().endpoint.url;
  }

  /** A Step Functions client on the local endpoint. */
  get sfn(): SFNClient {
    return this.started().sfn;
  }

  private started(): { endpoint: StepFunctionsEndpoint; sfn: SFNClient } {
    if (this.endpoint === undefined || this.sfnClient === undefined) throw new InvariantError('the runtime is used before LocalRuntime.start finished');
    return { endpoint: this.endpoint, sfn: this.sfnClient };
  }

  /** The deployed upload trigger of a pipeline, with the embedded S3 and the local Step Functions endpoint as its AWS. */
  private ingestTriggerOf(pipeline: PipelineSource): ReturnType<typeof createIngestTrigger> {
    let trigger = this.triggers.get(pipeline.name);
    if (trigger === undefined) {
      const ingest = ingestTriggerOf(pipeline.name, pipeline.graph.trigger);
      if (ingest === undefined) throw new InvariantError(`pipeline ${pipeline.name} has no ingest prefix`);
      const configuration = { trigger: ingest, stateMachineArn: localStateMachineArn(pipeline.name) };
      // Decisions are reported as runtime events (and printed by `orchestra up`), not as the function's JSON logs.
      trigger = createIngestTrigger({
        s3: this.s3.client,
        listing: this.s3.listing,
        sfn: this.sfn,
        configuration: () => configuration,
        logger: { info: () => undefined, warn: () => undefined },
      });
      this.triggers.set(pipeline.name, trigger);
    }
    return trigger;
  }

  get pipelines(): PipelineSource[] {
    return this.controller.pipelines;
  }

  on(listener: RuntimeListener): () => void {
    return this.events.on(listener);
  }

  /** Starts a run now. Throws RunAlreadyExistsError when `runId` was used before. */
  startRun(pipelineName: string, input: RunInput, options: StartRunOptions = {}): RunRecord {
    return this.controller.startRun(pipelineName, input, options);
  }

  /** Resolves when the run has ended (now, or from an earlier process's record). */
  waitForRun(runId: string): Promise<RunRecord> {
    return this.controller.waitForRun(runId);
  }

  abortRun(runId: string, reason?: string, error?: string): boolean {
    return this.controller.abortRun(runId, reason, error);
  }

  /** Runs a FAILED, TIMED_OUT or ABORTED run again from where it failed (see RunController.redriveRun). */
  redriveRun(runId: string): RunRecord {
    return this.controller.redriveRun(runId);
  }

  /**
   * Runs one step alone, outside any run, as its Task would run it: `event` is what the compiled state
   * machine passes (build it with stepEventFor). Resolves with the step's result; rejects with its
   * error. What it prints goes to `log`, line by line.
   */
  async invokeStep(pipelineName: string, stepId: string, event: Json, log: (stream: 'stdout' | 'stderr', text: string) => void): Promise<Json> {
    const pipeline = this.controller.pipelines.find((p) => p.name === pipelineName);
    const step = pipeline !== undefined && Object.hasOwn(pipeline.graph.steps, stepId) ? pipeline.graph.steps[stepId] : undefined;
    if (pipeline === undefined || step === undefined) throw new InvariantError(`no step ${stepId} in pipeline ${pipelineName}: add the pipeline first`);
    const timeoutSeconds = resolveStep(pipeline.graph, step).timeoutSeconds;
    const signal = AbortSignal.timeout(timeoutSeconds * 1000);
    return runStepLocally({
      pipeline: pipeline.name,
      rootDir: pipeline.rootDir,
      stepId,
      step,
      runId: typeof event === 'object' && event !== null && !Array.isArray(event) && typeof event['runId'] === 'string' ? event['runId'] : 'invoke',
      attempt: { stateName: stepId, input: event, attempt: 1, timeoutSeconds, signal },
      ...stepEnvironmentsFor({ stepEnvironment: this.stepEnvironment, handlerEnvironment: this.handlerEnvironment, identities: this.identities }, pipeline.name, stepId),
      handlers: this.handlers,
      log,
    });
  }

  /**
   * Decides on every upload stored under an ingest prefix that has no decision yet (stored while no
   * runtime ran, or when one crashed): each starts its run or is reported; ones already decided are
   * duplicates and start nothing. `orchestra up` calls it at start.
   */
  async reconcileUploads(): Promise<void> {
    await this.ingest.replayStored(this.s3.bucket);
    await this.keyed.replayStored();
  }

  /** What the conductor recorded for a key, per keyed pipeline: arrivals, readiness, expiry, runs. */
  keyRecords(key: string) {
    return this.keyed.recordsOf(key);
  }

  /**
   * Serves the runs API (functions/runs-api, unchanged) over HTTP on 127.0.0.1, its Step Functions
   * client on this runtime's endpoint; it stops with the runtime.
   */
  async serveRunsApi(options: { port?: number; console?: string } = {}): Promise<RunsApiServer> {
    const pipelines = Object.fromEntries(this.pipelines.map((p) => [p.name, localStateMachineArn(p.name)]));
    const dataItems = dataItemAccessOf(this.pipelines);
    // With the layout `orchestra build` made, as the stack bundles it: the console paints it.
    const descriptions = Object.fromEntries(
      this.pipelines.map((p) => [
        p.name,
        { ...describePipeline(p.graph, pipelineInputPrefixes(p.graph, dataItems.get(p.name))), ...(p.layout === undefined ? {} : { layout: p.layout }) },
      ]),
    );
    const logs: RunLogs = {
      read: async (_pipeline, runId, page) => {
        const { entries, more } = this.store.logPage(runId, page.offset, page.limit);
        return { lines: entries.map((e) => ({ time: e.time, ...(e.step === undefined ? {} : { step: e.step }), message: e.message })), more };
      },
    };
    // Measured by this runtime as each step ran (lib/local/usage), kept in the run's record.
    const usage: RunUsage = { read: async (_pipeline, runId) => (this.store.has(runId) ? usageOfRecord(this.store.get(runId)) : {}) };
    const data = { s3: this.s3.client, bucket: this.s3.bucket };
    const keyed = { triggers: keyedTriggersOf(this.pipelines), ledger: this.keyed.ledger };
    const activity = (listener: (event: ActivityEvent) => void) =>
      this.on((event) => {
        const happened = activityOf(event);
        if (happened !== undefined) listener(happened);
      });
    const backfills = { start: async (id: string) => this.keyed.startBackfill(id) };
    const runChanges = (listener: (change: RunChange) => void) => {
      // Step events carry the run id only: its pipeline is remembered from the run's start (or read once).
      const pipelineOfRun = new Map<string, string>();
      const pipelineOf = (runId: string): string | undefined => {
        if (!pipelineOfRun.has(runId)) {
          try {
            pipelineOfRun.set(runId, this.store.get(runId).pipeline);
          } catch {
            return undefined;
          }
        }
        return pipelineOfRun.get(runId);
      };
      return this.on((event) => {
        if (event.type === 'run-started') pipelineOfRun.set(event.run.runId, event.run.pipeline);
        const change = runChangeOf(event, pipelineOf);
        // A finished run has no more step events: the map holds only the runs under way.
        if (event.type === 'run-finished') pipelineOfRun.delete(event.run.runId);
        if (change !== undefined) listener(change);
      });
    };
    const server = await serveRunsApi({
      sfn: this.sfn,
      pipelines,
      descriptions,
      logs,
      usage,
      data,
      keyed,
      activity,
      runChanges,
      backfills,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.console === undefined ? {} : { console: options.console }),
    });
    this.servers.push(server);
    // External services call back here; the first server is the one steps name.
    if (this.servers.length === 1) this.addStepEnvironment({ [FUNCTION_ENV.callbackUrl]: `${server.url}/callbacks/` });
    return server;
  }

  /**
   * Fires every pipeline's schedule from now on, as EventBridge Scheduler would, after reporting the
   * fires missed while nothing ran and applying each pipeline's catch-up policy.
   */
  startSchedules(clock?: SchedulerClock): LocalScheduler {
    this.scheduler?.stop();
    this.scheduler = new LocalScheduler({
      dataDir: this.dataDir,
      pipelines: () => this.controller.pipelines,
      startRun: (pipeline, input, runId) => this.controller.startRun(pipeline, input, { runId }),
      events: this.events,
      ...(clock === undefined ? {} : { clock }),
    });
    this.scheduler.start();
    return this.scheduler;
  }

  /** Resolves once every upload seen so far has been decided on (runs may still be going). */
  async settleUploads(): Promise<void> {
    await Promise.all([this.ingest.settle(), this.keyed.settle()]);
  }

  /** Resolves once no upload is being processed and no run is in flight. */
  async idle(): Promise<void> {
    while (this.ingest.busy || this.keyed.busy || this.controller.activeRuns > 0 || this.controller.finishing > 0)
      await Promise.all([this.ingest.settle(), this.keyed.settle(), ...this.controller.inFlight]);
  }

  get activeRuns(): number {
    return this.controller.activeRuns;
  }

  /** Aborts running runs (recorded as ABORTED), stops the S3 server and closes logs. */
  async stop(): Promise<void> {
    this.scheduler?.stop();
    await this.ingest.settle().catch(() => undefined);
    await this.keyed.stop();
    await this.controller.stopAll('the local runtime was stopped');
    await Promise.all(this.servers.map((server) => server.close()));
    this.sfnClient?.destroy();
    await this.endpoint?.close();
    await this.store.close();
    await this.s3.stop();
    this.unlock();
  }
}
