/**
 * The container contract for a container step written in Node: what ECS (or the local runtime, which
 * starts `local.command` with the same environment) hands the process, read and checked once, and the
 * step's result written where the steps after it find it — `result.json` under its output prefix.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { CONTAINER_ENV, dependencyEnvName, type Environment, requiredVariable } from '../../lib/contract/environment';
import { PermanentStepError } from '../../lib/contract/errors';
import { isRunSource, RESULT_FILE, type RunInput } from '../../lib/contract/step-event';
import { createS3Client } from '../../lib/runtime/s3-client';
import { isJsonRecord } from '../../lib/shared/json';
import { withContainerResults } from './container-results';
import { putObject } from './s3-objects';

/** What a container step gets from its environment (the same on Fargate and locally), checked. */
export interface ContainerStepContext {
  readonly pipeline: string;
  readonly step: string;
  readonly runId: string;
  /** The data bucket. */
  readonly bucket: string;
  /** Where this step writes its outputs (runs/<pipeline>/<run id>/<step>/), ending in "/". */
  readonly outputPrefix: string;
  readonly input: RunInput;
  /** Results of the steps this one depends on, by step id. */
  readonly dependencies: Readonly<Record<string, unknown>>;
  /** The step's `parameters` from the graph. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** For a `forEach` step: the item, and its position in the list (from 0). */
  readonly item?: unknown;
  readonly itemIndex?: number;
  /** A client for the bucket (the local runtime's embedded S3 when run locally). */
  readonly s3: S3Client;
}

const SET_BY = 'the stack (ECS task overrides), or the local runtime,';

function json(env: Environment, name: string): unknown {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PermanentStepError(`${name} is not JSON: ${SET_BY} sets it`, { cause: error });
  }
}

/** The step's context from its environment; throws naming the variable when one is missing or malformed. */
export function containerStepContext(env: Environment = process.env): ContainerStepContext {
  const input = json(env, CONTAINER_ENV.input);
  const source = isJsonRecord(input) ? input['source'] : undefined;
  if (!isJsonRecord(input) || !isRunSource(source)) throw new PermanentStepError(`${CONTAINER_ENV.input}: expected the run input, an object with "source"`);
  const dependencyIds = (env[CONTAINER_ENV.dependencies] ?? '').split(',').filter((id) => id !== '');
  const parameters = json(env, CONTAINER_ENV.parameters) ?? {};
  if (!isJsonRecord(parameters)) throw new PermanentStepError(`${CONTAINER_ENV.parameters}: expected an object`);
  const itemIndex = env[CONTAINER_ENV.itemIndex];
  return {
    pipeline: requiredVariable(CONTAINER_ENV.pipeline, SET_BY, env),
    step: requiredVariable(CONTAINER_ENV.step, SET_BY, env),
    runId: requiredVariable(CONTAINER_ENV.runId, SET_BY, env),
    bucket: requiredVariable(CONTAINER_ENV.bucket, SET_BY, env),
    outputPrefix: requiredVariable(CONTAINER_ENV.outputPrefix, SET_BY, env),
    input: { ...input, source },
    dependencies: Object.fromEntries(dependencyIds.map((id) => [id, json(env, dependencyEnvName(id))])),
    parameters,
    ...(env[CONTAINER_ENV.item] === undefined ? {} : { item: json(env, CONTAINER_ENV.item) }),
    ...(itemIndex === undefined ? {} : { itemIndex: Number(itemIndex) }),
    s3: createS3Client(env),
  };
}

/**
 * Runs a container step's work: `fn` gets the context; what it returns is written as `result.json`
 * under the step's output prefix. A thrown error is printed (its message, no stack for a
 * PermanentStepError) and the process exits 1, which fails the step.
 */
export async function containerStep<Result>(fn: (context: ContainerStepContext) => Promise<Result>): Promise<void> {
  try {
    const read = containerStepContext();
    // Container steps' results are their result.json files (./container-results.ts).
    const context = { ...read, dependencies: await withContainerResults(read.dependencies, read, read.s3, read.bucket) };
    const result = await fn(context);
    await putObject(context.s3, context.bucket, `${context.outputPrefix}${RESULT_FILE}`, JSON.stringify(result ?? null, null, 2), 'application/json');
    context.s3.destroy();
  } catch (error) {
    console.error(error instanceof PermanentStepError ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  }
}
