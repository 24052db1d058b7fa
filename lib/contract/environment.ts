/**
 * Environment variables that cross the seams, and how handlers read them. The compiler writes
 * the container ones into the Task's ContainerOverrides, CDK and the local runtime set the function
 * ones, handlers and containers read them. No zod here: every Lambda bundle imports this module.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationError } from './errors';
import { resourceNameOf } from './resource-names';

/** What a container step gets, from the state machine (ECS container overrides). */
export const CONTAINER_ENV = {
  pipeline: 'ORCHESTRA_PIPELINE',
  step: 'ORCHESTRA_STEP',
  runId: 'ORCHESTRA_RUN_ID',
  bucket: 'ORCHESTRA_BUCKET',
  outputPrefix: 'ORCHESTRA_OUTPUT_PREFIX',
  /** The run input as JSON. */
  input: 'ORCHESTRA_INPUT',
  /** The step ids it depends on, comma-separated, in `dependsOn` order. */
  dependencies: 'ORCHESTRA_DEPENDENCIES',
  /** The step's `parameters` as JSON, when it has any. */
  parameters: 'ORCHESTRA_PARAMETERS',
  /** For a `forEach` step: the item as JSON, and its position in the list (from 0). */
  item: 'ORCHESTRA_ITEM',
  itemIndex: 'ORCHESTRA_ITEM_INDEX',
} as const;

/** A Lambda step's table (its `tables`), by name: ORCHESTRA_TABLE_<NAME>, e.g. ORCHESTRA_TABLE_CATALOGUE. */
export const tableEnvName = (table: string): string => `ORCHESTRA_TABLE_${table.toUpperCase().replaceAll('-', '_')}`;

/** One variable per dependency, holding its result as JSON: ORCHESTRA_DEPENDENCY_<RESOURCE NAME>. */
export const DEPENDENCY_ENV_PREFIX = 'ORCHESTRA_DEPENDENCY_';
export const dependencyEnvName = (stepId: string): string => `${DEPENDENCY_ENV_PREFIX}${resourceNameOf(stepId).toUpperCase()}`;

/** What the stack (CDK) and the local runtime give functions and containers. */
export const FUNCTION_ENV = {
  bucket: 'ORCHESTRA_BUCKET',
  /** An S3 endpoint other than AWS (the embedded S3, LocalStack); the SDK's own AWS_ENDPOINT_URL_S3 works too. */
  s3Endpoint: 'ORCHESTRA_S3_ENDPOINT',
  /** Makes simulate steps reproducible. */
  simulateSeed: 'ORCHESTRA_SIMULATE_SEED',
  /** Locally only: the step's `files` (JSON), which functions/commons/bundled-files.ts holds its reads to. */
  stepFiles: 'ORCHESTRA_STEP_FILES',
  /** The ingest trigger's settings (JSON) and the state machine it starts. */
  ingestTrigger: 'INGEST_TRIGGER',
  stateMachineArn: 'STATE_MACHINE_ARN',
  /**
   * Where the deployed state machines are: `arn:…:stateMachine:` — each is `<stack>-<pipeline>` after it
   * (deployedStateMachineName). One prefix instead of a map, which would outgrow Lambda's 4 KB of environment.
   */
  stateMachineArnPrefix: 'STATE_MACHINE_ARN_PREFIX',
  /** The stack's name, from which (with the prefix) a pipeline's state machine is named (deployedStateMachineName). */
  stackName: 'ORCHESTRA_STACK_NAME',
  /** A Step Functions endpoint other than AWS (the local runtime's), for task callbacks. */
  stepFunctionsEndpoint: 'ORCHESTRA_SFN_ENDPOINT',
  /** Where external services call back: the runs API's `…/callbacks/` (a callback id follows). */
  callbackUrl: 'ORCHESTRA_CALLBACK_URL',
  /** The runs API's and run provenance's: the ECS cluster's Container Insights performance log group, where container steps' CPU and memory are read. */
  containerInsightsLogGroup: 'ORCHESTRA_CONTAINER_INSIGHTS_LOG_GROUP',
  /** Run provenance's: `cloudwatch` when the stack lets it read what each step used from CloudWatch Logs (REPORT lines, Container Insights). */
  usageSource: 'ORCHESTRA_USAGE_SOURCE',
} as const;

export type Environment = Readonly<Record<string, string | undefined>>;

type Invocation = { readonly environment: Environment; readonly signal: AbortSignal | undefined; readonly overlay: Environment | undefined };

declare global {
  var __orchestraInvocation: AsyncLocalStorage<Invocation> | undefined;
}

/**
 * One store for every copy of this module in the process: the local runtime loads each handler from
 * its own bundle (as Lambda does), and each bundle carries its own copy of this module. A global is
 * how the copies find the one store; it holds no state of its own.
 */
globalThis.__orchestraInvocation ??= new AsyncLocalStorage<Invocation>();
const invocation: AsyncLocalStorage<Invocation> = globalThis.__orchestraInvocation;

/**
 * Runs `work` with `environment` as what handlers read instead of process.env, and `signal` as what
 * tells them to stop. On Lambda a function's environment is its process's, and the runtime ends the
 * process at the timeout; in-process on the local runtime, several runtimes (each with its own S3
 * endpoint and bucket) may share one process, and an invocation cannot be killed, only asked to stop.
 */
export const withEnvironment = <T>(environment: Environment, work: () => T, signal?: AbortSignal, overlay?: Environment): T =>
  invocation.run({ environment, signal, overlay }, work);

/**
 * What the current local invocation sets over the process's environment (its endpoints, its role's
 * key pair, its function's settings), if code runs inside one; never on Lambda or Fargate.
 */
export const invocationOverlay = (): Environment | undefined => invocation.getStore()?.overlay;

/** The environment of the current invocation: process.env on Lambda and Fargate. */
export const currentEnvironment = (): Environment => invocation.getStore()?.environment ?? process.env;

/** Fires when the current invocation should stop (its timeout, or the run's end); never on Lambda, which ends the process itself. */
export const currentStopSignal = (): AbortSignal => invocation.getStore()?.signal ?? new AbortController().signal;

/** The value of a variable its deployment sets, or a ConfigurationError naming it and who sets it. */
export function requiredVariable(name: string, setBy: string, env: Environment = currentEnvironment()): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigurationError(`${name} is not set (${setBy} sets it)`);
  return value;
}
