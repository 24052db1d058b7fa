/**
 * Error names that cross the seams: Retry and Catch in the compiled ASL match on them, handlers and
 * containers raise them, the local runtime records them and the runs API reports them. In AWS a
 * Lambda's error name is its errorType; locally it is the thrown error's `name`.
 */
import { OrchestraError } from '../shared/errors';

/** The error names Retry and Catch match on: a step's error name decides whether it is retried. */
export const ERRORS = {
  /** Bad input or another failure a retry cannot fix. */
  permanent: 'Orchestra.Permanent',
  /** A failure worth retrying (a flaky service, a simulated fault). */
  transient: 'Orchestra.Transient',
  /** A function is missing configuration the stack or the local runtime sets. */
  configuration: 'Orchestra.Configuration',
  /** The run failed because steps with onFailure "continue" failed. */
  stepsFailed: 'Orchestra.StepsFailed',
  /** A step was skipped because a step it depends on failed. */
  dependencyFailed: 'Orchestra.DependencyFailed',
  /** The run was stopped while the step ran. */
  aborted: 'Orchestra.Aborted',
  /** The local runtime's process ended while the run was running. */
  interrupted: 'Orchestra.Interrupted',
  /** Stopped through the runs API. */
  cancelled: 'Orchestra.Cancelled',
  /** Step Functions' own names. */
  timeout: 'States.Timeout',
  taskFailed: 'States.TaskFailed',
  runtime: 'States.Runtime',
  /** A state's input or output, or a Task's result, over Step Functions' 256 KiB payload quota. */
  dataLimitExceeded: 'States.DataLimitExceeded',
  /** ECS refused the task's parameters (its container overrides over 8,192 characters, say): the service integration's name. */
  ecsInvalidParameter: 'ECS.InvalidParameterException',
  all: 'States.ALL',
} as const;

export type ErrorName = (typeof ERRORS)[keyof typeof ERRORS];

/** Errors Retry never retries: another attempt cannot help. */
export const NEVER_RETRIED: readonly ErrorName[] = [ERRORS.permanent];

export const isRetryable = (name: string): boolean => !NEVER_RETRIED.some((never) => never === name);

/** A failure a step raises on purpose; `name` is the ASL error name Retry and Catch see. */
export abstract class StepError extends OrchestraError {
  abstract override readonly name: ErrorName;
}

/** Bad input or another failure that a retry cannot fix: never retried. */
export class PermanentStepError extends StepError {
  override readonly name = ERRORS.permanent;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('step-permanent', message, options);
  }
}

/** A failure worth retrying. */
export class TransientStepError extends StepError {
  override readonly name = ERRORS.transient;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('step-transient', message, options);
  }
}

/** The attempt ran past the Task's TimeoutSeconds: States.Timeout, as Step Functions names it. */
export class StepTimeoutError extends StepError {
  override readonly name = ERRORS.timeout;
  constructor(message: string) {
    super('step-timeout', message);
  }
}

/** Step Functions' payload quota, in UTF-8 bytes of the JSON text: state input and output, Task results, execution input. */
export const MAX_PAYLOAD_BYTES = 262_144;

/** A Task's result over MAX_PAYLOAD_BYTES, with the Cause AWS gives (recorded in ../shared/asl-conformance). */
export class DataLimitExceededError extends StepError {
  override readonly name = ERRORS.dataLimitExceeded;
  constructor(resource: string) {
    super('data-limit-exceeded', `The state/task '${resource}' returned a result with a size exceeding the maximum number of bytes service limit.`);
  }
}

/**
 * A child pipeline's run ended without success: `startExecution.sync` fails the Task with
 * States.TaskFailed and, as its cause, the JSON of the child's DescribeExecution answer.
 */
export class ChildRunFailedError extends StepError {
  override readonly name = ERRORS.taskFailed;
  constructor(describedChild: Readonly<Record<string, unknown>>) {
    super('child-run-failed', JSON.stringify(describedChild));
  }
}

/** The run was stopped while the step ran. */
export class StepAbortedError extends StepError {
  override readonly name = ERRORS.aborted;
  constructor(message: string) {
    super('step-aborted', message);
  }
}

/** A function or container is missing configuration its deployment sets. */
export class ConfigurationError extends StepError {
  override readonly name = ERRORS.configuration;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('configuration', message, { ...options, audience: 'internal' });
  }
}
