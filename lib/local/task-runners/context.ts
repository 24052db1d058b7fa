/** What a kind's local module gets to run one attempt of a step on the embedded runtime. */
import type { Json } from '../../compiler/asl';
import type { Environment } from '../../contract/environment';
import type { InvocationUsage } from '../../contract/run-answers';
import type { Step } from '../../graph/schema';
import type { TaskAttempt } from '../engine/engine';
import type { HandlerModules } from '../engine/handler-modules';
import type { StepProcesses } from '../engine/leftovers';
import type { LogSink } from '../engine/log-capture';

export interface StepRunContext<S extends Step = Step> {
  readonly pipeline: string;
  readonly rootDir: string;
  readonly stepId: string;
  readonly step: S;
  readonly runId: string;
  readonly attempt: TaskAttempt;
  /** Environment shared by every step: the S3 endpoint, credentials, bucket. */
  readonly environment: Readonly<Record<string, string>>;
  /** The whole environment an in-process handler sees (process.env plus `environment`), built once per runtime. */
  readonly handlerEnvironment: Environment;
  readonly log: LogSink;
  /** Loads in-process handlers as the stack bundles them, again when their code changed. */
  readonly handlers: HandlerModules;
  /** Where the runtime records its step processes (absent when a step is invoked alone). */
  readonly processes?: StepProcesses;
  /** Where what the attempt used is recorded (absent: not measured, e.g. the step-reuse function's calls). */
  readonly reportUsage?: (usage: InvocationUsage) => void;
}

/** How the embedded runtime runs one kind of step. */
export interface LocalKind<S extends Step> {
  readonly run: (context: StepRunContext<S>) => Promise<Json>;
  /** Runs as a local process that takes a container slot (at most one per CPU at once). */
  readonly isProcess: boolean;
}
