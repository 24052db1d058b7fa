/**
 * The adapter around aws-local-stepfunctions, the ASL interpreter the embedded runtime uses. It
 * runs the deployed definition as is and guards the interpreter's known gaps:
 * - features it accepts but silently ignores (JSONata, Assign, HeartbeatSeconds outside callbacks,
 *   `.sync` integrations without a local handler, ItemReaders other than a JSON array in S3) are
 *   refused before the run starts;
 * - a Distributed Map's ItemReader and ResultWriter read and write the embedded S3 (lib/local/engine/map-io.ts,
 *   through the patched interpreter), and its items fail independently up to ToleratedFailurePercentage;
 * - task tokens: `$$.Task.Token` becomes a fresh token per attempt and a `.waitForTaskToken` Task
 *   waits for its callback (lib/local/engine/task-tokens.ts), with HeartbeatSeconds;
 * - a Task without TimeoutSeconds would get a hidden 60 s limit: it gets none, as on AWS (up to
 *   Node's longest timer, 24.8 days);
 * - a Parallel runs at most 40 branches at once; the compiler emits at most 8, more is refused;
 * - `abort()` does not stop running handlers and retries keep firing after it, so every handler
 *   gets an AbortSignal and, once the execution ends or is aborted, further attempts fail at once;
 * - a Task's timeout does not stop its handler, so each attempt gets a signal that fires at the
 *   Task's TimeoutSeconds (container steps kill their process on it).
 */
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { type AnyBranch, type AnyDefinition, type AnyState, type Json, walkStates } from '../../compiler/asl';
import { DataLimitExceededError, ERRORS, MAX_PAYLOAD_BYTES, StepAbortedError, StepTimeoutError } from '../../contract/errors';
import { S3_GET_OBJECT, S3_PUT_OBJECT } from '../../contract/map-items';
import { OrchestraError } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';
import type { MapItemIO } from './map-io';
import type { TaskTokens } from './task-tokens';

/** The interpreter's own cap on concurrently running branches of one Parallel state. */
export const INTERPRETER_MAX_PARALLEL_BRANCHES = 40;

export interface TaskAttempt {
  readonly stateName: string;
  /** The Task's effective input (after Parameters). */
  readonly input: Json;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly timeoutSeconds: number;
  /** Fires when the attempt times out, the execution ends, or it is aborted. */
  readonly signal: AbortSignal;
}

export type TaskHandler = (attempt: TaskAttempt) => Promise<Json>;

export type ExecutionOutcome =
  | { readonly status: 'SUCCEEDED'; readonly output: Json }
  | { readonly status: 'FAILED'; readonly error: string; readonly cause: string }
  | { readonly status: 'TIMED_OUT'; readonly error: string; readonly cause: string }
  | { readonly status: 'ABORTED'; readonly error: string; readonly cause: string };

/**
 * What happened to a state, from the interpreter's own event log: entered, retrying (a new attempt
 * after the retry wait), failed (one attempt, or the state), caught (a Catch took it), exited.
 */
export type StateEvent =
  | { readonly type: 'entered'; readonly state: string; readonly stateType: string; readonly time: Date; readonly input: Json }
  | { readonly type: 'exited'; readonly state: string; readonly stateType: string; readonly time: Date; readonly output: Json }
  | { readonly type: 'retrying' | 'caught'; readonly state: string; readonly stateType: string; readonly time: Date }
  | { readonly type: 'failed'; readonly state: string; readonly stateType: string; readonly time: Date; readonly error: string; readonly cause: string }
  /** An item of an inline Map started or ended (`state` is the Map's name). */
  | {
      readonly type: 'iteration-started' | 'iteration-succeeded' | 'iteration-failed';
      readonly state: string;
      readonly stateType: 'Map';
      readonly time: Date;
      readonly index: number;
    };

/** A Task's latest attempt as its handler saw it: the effective input, and the result's JSON text once it succeeded. */
export interface TaskIo {
  readonly input: Json;
  /** Serialised once, for the payload quota and the history. */
  readonly resultJson?: string;
}

export interface Execution {
  readonly result: Promise<ExecutionOutcome>;
  /**
   * State events in the order the interpreter logged them, nested Parallel branches included; ends
   * when the execution ends (events of steps still stopping after that are not delivered).
   */
  readonly events: AsyncIterable<StateEvent>;
  /** Each Task's latest attempt, by state name (the interpreter's log carries neither the Task's input nor its raw result). */
  readonly tasks: ReadonlyMap<string, TaskIo>;
  /** Stops the execution; its outcome is ABORTED with `error` (default Orchestra.Aborted) and `reason` as the cause. */
  abort(reason?: string, error?: string): void;
  /** Ends the execution as FAILED with this error (Step Functions' own failures, such as a full history). */
  fail(error: string, cause: string): void;
}

export interface ExecutionOptions {
  /** $$.Execution.Name: the run id. */
  readonly name: string;
  /** One handler per Task state, by state name. */
  readonly handlers: Readonly<Record<string, TaskHandler>>;
  /** Replaces every Retry wait (tests and benchmarks); @default - the definition's intervals */
  readonly retryDelayMs?: number;
  /** Where `.waitForTaskToken` Tasks wait for their callback; required when the definition has any. */
  readonly tokens?: TaskTokens;
  /** What `$$.Execution` and `$$.StateMachine` say besides the name, as on AWS. @default the name stands for the ARNs */
  readonly identity?: { readonly executionArn: string; readonly stateMachineArn: string; readonly stateMachineName: string; readonly roleArn: string };
  /** Where Distributed Maps read their items and write their results; required when the definition has an ItemReader or a ResultWriter. */
  readonly mapIO?: MapItemIO;
}

export class UnsupportedDefinitionError extends OrchestraError {
  override readonly name = 'UnsupportedDefinitionError';
  constructor(readonly problems: readonly string[]) {
    super('unsupported-definition', `the local runtime cannot run this definition faithfully:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * What `$$.Task.Token` evaluates to while the interpreter builds a Task's input; the adapter puts a
 * fresh token in its place for each attempt (the interpreter has no task tokens of its own).
 */
export const TASK_TOKEN_PLACEHOLDER = 'orchestra-task-token-placeholder';

/** A service integration's service and action (`arn:aws:states:::ecs:runTask.sync` → ecs, runTask.sync); undefined for a function ARN. */
export function serviceIntegrationOf(resource: string): { readonly service: string; readonly action: string } | undefined {
  const match = /^arn:aws:states:::([^:]+):(.+)$/.exec(resource);
  return match === null ? undefined : { service: match[1] ?? '', action: match[2] ?? '' };
}

/** How AWS names a Task's resource in a States.DataLimitExceeded cause: the integration's service, or the function ARN. */
const resourceLabelOf = (resource: string): string => serviceIntegrationOf(resource)?.service ?? resource;

const isCallback = (state: AnyState): boolean => String(state['Resource']).endsWith('.waitForTaskToken');

/** Every occurrence of the placeholder, in strings at any depth, replaced by the token. */
function withToken(value: Json, token: string): Json {
  if (typeof value === 'string') return value.replaceAll(TASK_TOKEN_PLACEHOLDER, token);
  if (Array.isArray(value)) return value.map((item) => withToken(item, token));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withToken(item, token)]));
  return value;
}

/** How long after a Task's timeout its handler is told to stop. */
export const TIMEOUT_GRACE_MS = 50;

const isTask = (state: AnyState): boolean => state.Type === 'Task';

const readsJsonFromS3 = (reader: unknown): boolean =>
  isJsonRecord(reader) && reader['Resource'] === S3_GET_OBJECT && isJsonRecord(reader['ReaderConfig']) && reader['ReaderConfig']['InputType'] === 'JSON';

/** What the interpreter would run differently from AWS; empty when the definition is safe to run. */
export function localCompatibilityProblems(definition: AnyDefinition, handlers: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (definition.QueryLanguage === 'JSONata') problems.push('QueryLanguage "JSONata" is accepted but not evaluated by the local interpreter');
  const visited = [...walkStates(definition)];
  for (const { state, path } of visited) {
    if (state['QueryLanguage'] === 'JSONata') problems.push(`${path}: JSONata is not evaluated locally`);
    if ('Assign' in state) problems.push(`${path}: "Assign" (variables) is ignored locally`);
    if ('ItemReader' in state && !readsJsonFromS3(state['ItemReader']))
      problems.push(`${path}: only an ItemReader of a JSON array (${S3_GET_OBJECT}, InputType "JSON") runs locally`);
    if ('ResultWriter' in state && (!isJsonRecord(state['ResultWriter']) || state['ResultWriter']['Resource'] !== S3_PUT_OBJECT))
      problems.push(`${path}: only a ResultWriter to S3 (${S3_PUT_OBJECT}) runs locally`);
    if (state.Type === 'Fail' && state['Error'] === undefined && state['ErrorPath'] === undefined)
      problems.push(`${path}: a Fail state without Error fails with no error on AWS, but with "FailStateError" locally — give it an Error`);
    const branches = state.Branches?.length ?? 0;
    if (branches > INTERPRETER_MAX_PARALLEL_BRANCHES) {
      problems.push(`${path}: ${branches} branches, but the local interpreter runs at most ${INTERPRETER_MAX_PARALLEL_BRANCHES} at once`);
    }
  }
  for (const { name, state, path } of visited.filter(({ state }) => isTask(state))) {
    if ('HeartbeatSeconds' in state && !isCallback(state)) problems.push(`${path}: HeartbeatSeconds without .waitForTaskToken is ignored locally`);
    if (!handlers.has(name)) problems.push(`${path}: no local handler for this Task (it would call AWS Lambda)`);
  }
  return problems;
}

/** The state events of the interpreter's log, in our own terms (execution and branch events are the caller's to know). */
async function* stateEventsOf(log: ReturnType<StateMachine['run']>['eventLogs']): AsyncGenerator<StateEvent> {
  for await (const event of log) {
    if (event.type === 'MapIterationStarted' || event.type === 'MapIterationSucceeded' || event.type === 'MapIterationFailed') {
      const type = event.type === 'MapIterationStarted' ? 'iteration-started' : event.type === 'MapIterationSucceeded' ? 'iteration-succeeded' : 'iteration-failed';
      yield { type, state: event.parentState.name, stateType: 'Map', time: new Date(event.timestamp), index: event.index };
      continue;
    }
    if (!('state' in event)) continue;
    const base = { state: event.state.name, stateType: event.state.type, time: new Date(event.timestamp) };
    switch (event.type) {
      case 'StateEntered':
        yield { type: 'entered', ...base, input: event.state.input };
        break;
      case 'StateExited':
        yield { type: 'exited', ...base, output: event.state.output ?? null };
        break;
      case 'StateRetried':
        yield { type: 'retrying', ...base };
        break;
      case 'StateCaught':
        yield { type: 'caught', ...base };
        break;
      case 'StateFailed':
        yield { type: 'failed', ...base, error: event.Error, cause: describeCause(event.Cause) };
        break;
    }
  }
}

const describeCause = (cause: unknown): string => (typeof cause === 'string' ? cause : cause instanceof Error ? cause.message : JSON.stringify(cause ?? ''));

/** A definition checked once and ready to run many times. */
export interface PreparedMachine {
  readonly machine: StateMachine;
  readonly timeouts: ReadonlyMap<string, number>;
  readonly taskStates: ReadonlySet<string>;
  /** `.waitForTaskToken` Tasks, with their HeartbeatSeconds if any. */
  readonly callbacks: ReadonlyMap<string, number | undefined>;
  /** How AWS names each Task's resource in a States.DataLimitExceeded cause: a function ARN, or an integration's service. */
  readonly resources: ReadonlyMap<string, string>;
  readonly startAt: string;
  /** Whether a Map reads items from S3 (ItemReader) or writes results there (ResultWriter). */
  readonly usesS3: boolean;
}

/** Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer one would fire at once. */
export const LOCAL_MAX_TASK_SECONDS = 2_147_483;

/**
 * A copy in which every Task without TimeoutSeconds (or TimeoutSecondsPath) gets the longest timer
 * Node can hold: on AWS such a Task has no timeout of its own, where the interpreter would give it 60 s.
 */
function withTaskTimeouts<B extends AnyBranch>(branch: B): B {
  const states = Object.fromEntries(
    Object.entries(branch.States).map(([name, state]) => {
      const unbounded = isTask(state) && state['TimeoutSeconds'] === undefined && state['TimeoutSecondsPath'] === undefined;
      return [
        name,
        {
          ...state,
          ...(state.Branches === undefined ? {} : { Branches: state.Branches.map((nested) => withTaskTimeouts(nested)) }),
          ...(state.ItemProcessor === undefined ? {} : { ItemProcessor: withTaskTimeouts(state.ItemProcessor) }),
          ...(state.Iterator === undefined ? {} : { Iterator: withTaskTimeouts(state.Iterator) }),
          ...(unbounded ? { TimeoutSeconds: LOCAL_MAX_TASK_SECONDS } : {}),
        },
      ];
    }),
  );
  return { ...branch, States: states };
}

/**
 * Validates the definition once (the interpreter's own ASL validation, then the checks above) and
 * builds a machine that skips validation when it runs: the interpreter otherwise recompiles its
 * JSON Schema validator for every run and every Parallel branch, which costs milliseconds each.
 */
export function prepareMachine(definition: AnyDefinition, handlerNames: ReadonlySet<string>): PreparedMachine {
  // The interpreter's own validation (asl-validator) checks the full ASL that our shape check leaves open.
  const interpreted = withTaskTimeouts(definition) as StateMachineDefinition;
  new StateMachine(interpreted, { validationOptions: { checkArn: false } });
  const problems = localCompatibilityProblems(definition, handlerNames);
  if (problems.length > 0) throw new UnsupportedDefinitionError(problems);
  const timeouts = new Map<string, number>();
  const callbacks = new Map<string, number | undefined>();
  const resources = new Map<string, string>();
  let usesS3 = false;
  for (const { name, state } of walkStates(definition)) {
    if ('ItemReader' in state || 'ResultWriter' in state) usesS3 = true;
    if (isTask(state)) resources.set(name, resourceLabelOf(String(state['Resource'])));
    if (isTask(state)) timeouts.set(name, typeof state['TimeoutSeconds'] === 'number' ? state['TimeoutSeconds'] : LOCAL_MAX_TASK_SECONDS);
    if (isTask(state) && isCallback(state)) callbacks.set(name, typeof state['HeartbeatSeconds'] === 'number' ? state['HeartbeatSeconds'] : undefined);
  }
  return {
    machine: new StateMachine(interpreted, { validationOptions: { noValidate: true } }),
    timeouts,
    taskStates: new Set(timeouts.keys()),
    callbacks,
    resources,
    startAt: definition.StartAt,
    usesS3,
  };
}

/** `input` must be JSON-serialisable (the run input, or any JSON value). */
export function startExecution(prepared: PreparedMachine, input: Json | Readonly<Record<string, unknown>>, options: ExecutionOptions): Execution {
  const missing = [...prepared.taskStates].filter((name) => options.handlers[name] === undefined);
  if (missing.length > 0) throw new UnsupportedDefinitionError(missing.map((name) => `${name}: no local handler for this Task`));
  const { timeouts, callbacks } = prepared;
  // AWS starts an execution whose input is over the payload quota and fails it in its first state.
  if (Buffer.byteLength(JSON.stringify(input ?? null)) > MAX_PAYLOAD_BYTES) {
    const cause = new DataLimitExceededError(prepared.startAt).message;
    return {
      result: Promise.resolve({ status: 'FAILED', error: ERRORS.dataLimitExceeded, cause }),
      events: (async function* () {})(),
      tasks: new Map(),
      abort: () => undefined,
      fail: () => undefined,
    };
  }
  const { tokens } = options;
  if (prepared.usesS3 && options.mapIO === undefined)
    throw new UnsupportedDefinitionError(['a Distributed Map reads its items from S3 and writes its results there: give the execution mapIO']);
  if (callbacks.size > 0 && tokens === undefined)
    throw new UnsupportedDefinitionError([...callbacks.keys()].map((name) => `${name}: .waitForTaskToken needs the runtime's task tokens`));
  const run = new AbortController();
  const attempts = new Map<string, number>();
  const tasks = new Map<string, TaskIo>();

  const wrapped = Object.fromEntries(
    Object.entries(options.handlers).map(([stateName, handler]) => [
      stateName,
      (taskInput: unknown): Promise<Json> => {
        const attempt = runAttempt(stateName, handler, taskInput);
        // The interpreter stops awaiting an attempt its own timer ended; the attempt still rejects when the
        // run stops, and an unobserved rejection would end the process. The interpreter still sees it when it awaits.
        attempt.catch(() => undefined);
        return attempt;
      },
    ]),
  );

  async function runAttempt(stateName: string, handler: TaskHandler, taskInput: unknown): Promise<Json> {
    // After the run has ended or been aborted, the interpreter may still retry: refuse at once.
    if (run.signal.aborted) throw new StepAbortedError(`run ${options.name} was stopped`);
    const attempt = (attempts.get(stateName) ?? 0) + 1;
    attempts.set(stateName, attempt);
    const timeoutSeconds = timeouts.get(stateName) ?? LOCAL_MAX_TASK_SECONDS;
    // Fires just after the interpreter's own timer, so the Task fails with States.Timeout as on AWS,
    // and then stops the work (kills a container process) that the interpreter would leave running.
    const attemptTimeout = AbortSignal.timeout(timeoutSeconds * 1000 + TIMEOUT_GRACE_MS);
    const signal = AbortSignal.any([run.signal, attemptTimeout]);
    // In-process work cannot be killed: the attempt ends when its signal fires, whether or not the handler stops.
    let stopListener: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      stopListener = () => reject(new StepAbortedError(`run ${options.name} was stopped`));
      signal.addEventListener('abort', stopListener, { once: true });
    });
    // A callback Task gets a fresh token where $$.Task.Token was, and ends with the callback, not with its handler.
    const token = callbacks.has(stateName) ? tokens?.issue() : undefined;
    const input = token === undefined ? (taskInput as Json) : withToken(taskInput as Json, token);
    const callback =
      token === undefined ? undefined : tokens?.wait(token, `${options.name} ${stateName} attempt ${attempt}`, callbacks.get(stateName), signal, options.identity?.stateMachineArn);
    tasks.set(stateName, { input });
    try {
      const work = async (): Promise<Json> => {
        const handled = await handler({ stateName, input, attempt, timeoutSeconds, signal });
        return callback === undefined ? handled : callback;
      };
      const result = await Promise.race([work(), stopped, ...(callback === undefined ? [] : [callback])]);
      // Step Functions fails a Task whose result is over its payload quota; the interpreter has no quota.
      const resultJson = JSON.stringify(result ?? null);
      if (Buffer.byteLength(resultJson) > MAX_PAYLOAD_BYTES) throw new DataLimitExceededError(prepared.resources.get(stateName) ?? stateName);
      tasks.set(stateName, { input, resultJson });
      return result;
    } catch (error) {
      if (attemptTimeout.aborted) throw new StepTimeoutError(`${stateName} did not finish within ${timeoutSeconds} s`);
      throw error;
    } finally {
      if (stopListener !== undefined) signal.removeEventListener('abort', stopListener);
    }
  }
  const retryIntervalOverrides =
    options.retryDelayMs === undefined ? undefined : Object.fromEntries(Object.keys(options.handlers).map((name) => [name, options.retryDelayMs as number]));

  const execution = prepared.machine.run(input as never, {
    context: {
      Execution: {
        Name: options.name,
        Id: options.identity?.executionArn ?? options.name,
        StartTime: new Date().toISOString(),
        ...(options.identity === undefined ? {} : { RoleArn: options.identity.roleArn, RedriveCount: 0 }),
      },
      ...(options.identity === undefined ? {} : { StateMachine: { Id: options.identity.stateMachineArn, Name: options.identity.stateMachineName } }),
      // On AWS $$.Task exists only where a Task waits for its token.
      ...(callbacks.size > 0 ? { Task: { Token: TASK_TOKEN_PLACEHOLDER } } : {}),
    },
    overrides: { taskResourceLocalHandlers: wrapped, ...(retryIntervalOverrides === undefined ? {} : { retryIntervalOverrides }) },
    // patches/aws-local-stepfunctions: fail any state whose input or output is over the quota, as AWS does.
    _maxPayloadBytes: MAX_PAYLOAD_BYTES,
    // patches/aws-local-stepfunctions: Distributed Maps read and write S3 through this.
    ...(options.mapIO === undefined ? {} : { _mapIO: options.mapIO }),
  });
  let abortReason: string | undefined;
  let abortError: string = ERRORS.aborted;
  let failure: { readonly error: string; readonly cause: string } | undefined;

  const result = execution.result.then(
    (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output: output as Json }),
    (error: unknown): ExecutionOutcome => {
      if (error instanceof ExecutionAbortedError)
        return failure === undefined ? { status: 'ABORTED', error: abortError, cause: abortReason ?? 'aborted' } : { status: 'FAILED', ...failure };
      if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: ERRORS.timeout, cause: 'the run exceeded its TimeoutSeconds' };
      if (error instanceof ExecutionError) {
        // A Task timeout fails the run with States.Timeout; TIMED_OUT is for the machine's own TimeoutSeconds.
        const inner = error.cause as (Error & { cause?: unknown }) | undefined;
        return { status: 'FAILED', error: inner?.name ?? ERRORS.runtime, cause: describeCause(inner?.cause ?? inner?.message) };
      }
      return { status: 'FAILED', error: ERRORS.runtime, cause: describeCause(error) };
    },
  );
  // Steps still running in other branches when the run fails are stopped, as Step Functions does.
  void result.then(() => run.abort());

  return {
    result,
    events: stateEventsOf(execution.eventLogs),
    tasks,
    abort(reason = 'aborted by the user', error: string = ERRORS.aborted) {
      abortReason = reason;
      abortError = error;
      run.abort();
      execution.abort();
    },
    fail(error, cause) {
      failure = { error, cause };
      run.abort();
      execution.abort();
    },
  };
}
