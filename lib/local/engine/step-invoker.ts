/**
 * The Task handlers of one run: each attempt runs its step the way its kind runs locally
 * (lib/kinds/local.ts), with its output split into lines in the run log. Container steps wait for a
 * process slot. What the attempt did to the run record is the recorder's job, from the engine's events.
 */

import { reusedStepsOf } from '../../access/step-reuse';
import type { PipelineSource } from '../../catalogue';
import type { Json } from '../../compiler/asl';
import { mapItemStateName } from '../../compiler/names';
import { reuseStateNamesOf } from '../../compiler/reuse';
import type { Environment } from '../../contract/environment';
import type { InvocationUsage } from '../../contract/run-answers';
import { NO_REUSE_INPUT_FIELD, STEP_REUSE_MEMORY_MIB } from '../../contract/step-reuse';
import type { PipelineGraph, Step } from '../../graph/schema';
import { builtinFunctionModule } from '../../shared/builtin-functions';
import { defined } from '../../shared/defined';
import { InvariantError, messageOf } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';
import type { StepIdentities } from '../endpoints/step-identities';
import { runStepLocally, runsAsProcess } from '../kinds/registry';
import { localCodeIdentity } from '../reuse/code-identity';
import type { RunStore } from '../runs/run-store';
import type { RuntimeEvents } from '../runs/runtime-events';
import { runInProcess } from '../task-runners';
import { LOCAL_CODE_IDENTITY_MARKER, LOCAL_STEP_REUSE_FUNCTION } from './bindings';
import type { TaskAttempt, TaskHandler } from './engine';
import type { HandlerModules } from './handler-modules';
import type { StepProcesses } from './leftovers';
import { lineSplitter } from './log-capture';
import type { Semaphore } from './semaphore';

/** Orchestra's step-reuse function (functions/step-reuse), as the stack deploys it. */
const STEP_REUSE_HANDLER = builtinFunctionModule('step-reuse');

/** The line a step prints to report progress (containers/dassflow2d turns the model's `( P % )` into it). */
const PROGRESS_LINE = /^progress (\d{1,3}(?:\.\d+)?)%$/;

export interface StepInvokerOptions {
  readonly store: RunStore;
  /** Where a step's `progress N%` lines are reported. */
  readonly events: RuntimeEvents;
  /** Caps local container processes across every run of the runtime. */
  readonly processSlots: Semaphore;
  /** What the runtime adds to every step's environment: its S3 endpoint, credentials and bucket. */
  readonly stepEnvironment: Readonly<Record<string, string>>;
  /** What in-process handlers read instead of process.env. */
  readonly handlerEnvironment: Environment;
  readonly handlers: HandlerModules;
  /** Where container step processes are recorded while they run. */
  readonly processes: StepProcesses;
  /** Each step role's key pair, when the runtime enforces the deployed IAM; absent, steps use the data folder's key. */
  readonly identities?: StepIdentities | undefined;
  /** Every reuse check of this runtime's runs answers "run it" (`orchestra run --no-reuse`). */
  readonly noReuse?: boolean;
}

/** The environments one step runs in: the runtime's, with its role's key pair when IAM is enforced. */
export function stepEnvironmentsFor(
  options: Pick<StepInvokerOptions, 'stepEnvironment' | 'handlerEnvironment' | 'identities'>,
  pipeline: string,
  stepId: string,
): { readonly environment: Readonly<Record<string, string>>; readonly handlerEnvironment: Environment } {
  const identity = options.identities?.environmentFor(pipeline, stepId) ?? {};
  if (Object.keys(identity).length === 0) return { environment: options.stepEnvironment, handlerEnvironment: options.handlerEnvironment };
  return { environment: { ...options.stepEnvironment, ...identity }, handlerEnvironment: { ...options.handlerEnvironment, ...identity } };
}

/** The Task state that runs a step: its own, or for a `forEach` step the Task its Map runs per item. */
const taskStateOf = (stepId: string, step: Step): string => ('forEach' in step && step.forEach !== undefined ? mapItemStateName(stepId) : stepId);

/** Every Task state of the machine: each step's, and the reuse check and save around each reused step. */
export const taskStateNamesOf = (graph: PipelineGraph): string[] => [
  ...Object.entries(graph.steps).map(([stepId, step]) => taskStateOf(stepId, step)),
  ...reusedStepsOf(graph).flatMap((stepId) => [reuseStateNamesOf(stepId).check, reuseStateNamesOf(stepId).save]),
];

/** Told what each invocation of a step used (the run's recorder keeps it). */
export type UsageListener = (step: string, usage: InvocationUsage) => void;

/** One handler per Task state (see taskStateNamesOf). */
export function taskHandlersFor(pipeline: PipelineSource, runId: string, options: StepInvokerOptions, onUsage?: UsageListener): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = Object.fromEntries(
    Object.entries(pipeline.graph.steps).map(([stepId, step]) => [taskStateOf(stepId, step), stepHandler(pipeline, stepId, runId, options, onUsage)]),
  );
  for (const stepId of reusedStepsOf(pipeline.graph)) {
    const names = reuseStateNamesOf(stepId);
    handlers[names.check] = reuseHandler(pipeline, stepId, runId, options);
    handlers[names.save] = reuseHandler(pipeline, stepId, runId, options);
  }
  return handlers;
}

/**
 * The step-reuse function, in-process as its role. The check's code identity is taken now
 * (lib/local/reuse/code-identity.ts): here a handler changes without a deploy.
 */
function reuseHandler(pipeline: PipelineSource, stepId: string, runId: string, options: StepInvokerOptions): TaskHandler {
  const step = defined(pipeline.graph.steps[stepId], `step ${stepId}`);
  return async (attempt) => {
    options.identities?.checkReuseCall(pipeline.name);
    let input = attempt.input;
    if (isJsonRecord(input) && input['code'] === LOCAL_CODE_IDENTITY_MARKER)
      input = { ...input, code: await localCodeIdentity(step, pipeline.rootDir, options.handlers, options.handlerEnvironment) };
    // As a run started with {"noReuse": true} asks, for every run of this runtime.
    if (options.noReuse === true && isJsonRecord(input) && isJsonRecord(input['input'])) input = { ...input, input: { ...input['input'], [NO_REUSE_INPUT_FIELD]: true } };
    const identity = options.identities?.reuseEnvironment() ?? {};
    const log = (stream: 'stdout' | 'stderr', message: string) =>
      options.store.appendLog(runId, { time: new Date().toISOString(), step: stepId, attempt: attempt.attempt, stream, message });
    const { write, flush } = lineSplitter(log);
    try {
      return await runInProcess(
        STEP_REUSE_HANDLER,
        STEP_REUSE_MEMORY_MIB,
        {
          pipeline: pipeline.name,
          rootDir: pipeline.rootDir,
          stepId,
          step,
          runId,
          attempt: { ...attempt, input },
          environment: { ...options.stepEnvironment, ...identity },
          handlerEnvironment: { ...options.handlerEnvironment, ...identity },
          handlers: options.handlers,
          log: write,
        },
        {},
        LOCAL_STEP_REUSE_FUNCTION,
      );
    } finally {
      flush();
    }
  };
}

function stepHandler(pipeline: PipelineSource, stepId: string, runId: string, options: StepInvokerOptions, onUsage: UsageListener | undefined): TaskHandler {
  const step = pipeline.graph.steps[stepId];
  if (step === undefined) throw new InvariantError(`no step ${stepId} in pipeline ${pipeline.name}`);
  const { store } = options;
  return async (attempt: TaskAttempt): Promise<Json> => {
    const { write: log, flush } = lineSplitter((stream, message) => {
      store.appendLog(runId, { time: new Date().toISOString(), step: stepId, attempt: attempt.attempt, stream, message });
      const percent = stream === 'stdout' ? PROGRESS_LINE.exec(message.trim())?.[1] : undefined;
      if (percent !== undefined) options.events.emit({ type: 'step-progress', runId, step: stepId, attempt: attempt.attempt, percent: Math.min(100, Number(percent)) });
    });
    const work = async (): Promise<Json> => {
      // The state machine's own call (invoke, RunTask, StartExecution), decided as its role's.
      options.identities?.checkTaskCall(pipeline.name, stepId);
      return runStepLocally({
        pipeline: pipeline.name,
        rootDir: pipeline.rootDir,
        stepId,
        step,
        runId,
        attempt,
        ...stepEnvironmentsFor(options, pipeline.name, stepId),
        handlers: options.handlers,
        processes: options.processes,
        log,
        ...(onUsage === undefined ? {} : { reportUsage: (usage: InvocationUsage) => onUsage(stepId, usage) }),
      });
    };
    let result: Json;
    const running = runsAsProcess(step.kind) ? options.processSlots.use(work) : work();
    // The engine ends the attempt when its signal fires; in-process work may go on: say so when it ends.
    const reportLate = () => {
      if (attempt.signal.aborted) {
        store.appendLog(runId, {
          time: new Date().toISOString(),
          step: stepId,
          attempt: attempt.attempt,
          stream: 'system',
          message: `attempt ${attempt.attempt} ended after it was stopped; what it did then is ignored`,
        });
      }
    };
    void running.then(reportLate, reportLate);
    try {
      result = await running;
    } catch (thrown) {
      flush();
      // The interpreter reads the error name (ASL's Error) from what is thrown, so it must be an Error.
      const error = thrown instanceof Error ? thrown : new Error(messageOf(thrown));
      store.appendLog(runId, {
        time: new Date().toISOString(),
        step: stepId,
        attempt: attempt.attempt,
        stream: 'system',
        message: `attempt ${attempt.attempt} failed: ${error.name}: ${error.message}`,
      });
      throw error;
    }
    flush();
    return result;
  };
}
