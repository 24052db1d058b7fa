/** One runner per step kind, picked by a lookup table: how each kind runs on the embedded runtime. */
import { isAbsolute, join } from 'node:path';
import type { Json, JsonObject } from '../../compiler/asl';
import { type Environment, withEnvironment } from '../../contract/environment';
import type { Step, StepKind } from '../../graph/schema';
import type { TaskAttempt } from '../engine';
import type { LogSink } from '../log-capture';
import { ContainerStepError, runLocalContainer } from './container';
import { invokeInProcess, loadHandler, requestIdFor } from './lambda';

export interface StepRunContext {
  readonly pipeline: string;
  readonly rootDir: string;
  readonly stepId: string;
  readonly step: Step;
  readonly runId: string;
  readonly attempt: TaskAttempt;
  /** Environment shared by every step: the S3 endpoint, credentials, bucket. */
  readonly environment: Readonly<Record<string, string>>;
  /** The whole environment an in-process handler sees (process.env plus `environment`), built once per runtime. */
  readonly handlerEnvironment: Environment;
  readonly log: LogSink;
}

export type StepRunner = (context: StepRunContext) => Promise<Json>;

/** The built-in handler behind every simulate step (functions/simulate-step), shipped with Orchestra. */
export const SIMULATE_HANDLER = join(import.meta.dirname, '..', '..', '..', 'functions', 'simulate-step', 'index.ts');

const DEFAULT_LAMBDA_MEMORY_MIB = 512;

const inProcess =
  (modulePath: string, memoryMiB: number): StepRunner =>
  async (context) => {
    const handler = await loadHandler(modulePath);
    return withEnvironment(context.handlerEnvironment, () =>
      invokeInProcess(handler, context.attempt.input, {
        functionName: `${context.pipeline}-${context.stepId}`.slice(0, 64),
        requestId: requestIdFor(context.runId, context.stepId, context.attempt.attempt),
        timeoutSeconds: context.attempt.timeoutSeconds,
        memoryMiB,
        log: context.log,
      }),
    );
  };

/** The environment ECS would give the container: the Task's ContainerOverrides plus the task definition's. */
function containerEnvironment(context: StepRunContext): Record<string, string> {
  const parameters = context.attempt.input as JsonObject;
  const overrides = (parameters['Overrides'] as JsonObject | undefined)?.['ContainerOverrides'] as JsonObject[] | undefined;
  const fromOverrides = Object.fromEntries(((overrides?.[0]?.['Environment'] as JsonObject[] | undefined) ?? []).map((pair) => [String(pair['Name']), String(pair['Value'])]));
  const step = context.step as Extract<Step, { kind: 'container' }>;
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...context.environment, ...(step.environment ?? {}), ...fromOverrides };
}

const RUNNERS: { readonly [K in StepKind]: StepRunner } = {
  lambda: (context) => {
    const step = context.step as Extract<Step, { kind: 'lambda' }>;
    return inProcess(join(context.rootDir, step.handler), step.memoryMiB ?? DEFAULT_LAMBDA_MEMORY_MIB)(context);
  },
  simulate: (context) => inProcess(SIMULATE_HANDLER, 128)(context),
  container: async (context) => {
    const step = context.step as Extract<Step, { kind: 'container' }>;
    if (step.local === undefined) {
      throw new ContainerStepError(`step "${context.stepId}" has no "local.command", so it cannot run without Docker — add e.g. "local": {"command": ["node", "path/to/main.js"]}`);
    }
    const cwd = step.local.cwd === undefined ? context.rootDir : isAbsolute(step.local.cwd) ? step.local.cwd : join(context.rootDir, step.local.cwd);
    const { pid } = await runLocalContainer({ command: step.local.command, cwd, env: containerEnvironment(context), signal: context.attempt.signal, log: context.log });
    // The fields of ecs:RunTask's response the compiled ResultSelector reads.
    return { TaskArn: `arn:aws:ecs:us-east-1:000000000000:task/orchestra-local/${context.runId}-${context.stepId}-${context.attempt.attempt}-${pid}` };
  },
};

export const runnerFor = (kind: StepKind): StepRunner => RUNNERS[kind];
