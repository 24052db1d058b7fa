/**
 * One place for what every step function needs, so handlers hold only their own logic: middy with
 * Powertools (structured JSON logs carrying the run id and step id, EMF metrics), the S3 client for
 * the invocation's environment and the bucket. The same handler files run on Lambda (bundled by
 * esbuild) and in-process on the local runtime.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { currentEnvironment, currentStopSignal, type Environment, FUNCTION_ENV, requiredVariable } from '../../lib/contract/environment';
import { PermanentStepError } from '../../lib/contract/errors';
import type { StepEvent } from '../../lib/contract/step-event';
import { s3ClientFor } from '../../lib/runtime/s3-client';
import { isJsonRecord } from '../../lib/shared/json';
import { withContainerResults } from './container-results';

/** What a handler gets beside its event: set up once per invocation by stepHandler. */
export interface StepTools {
  /** Carries runId and step on every line. */
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly s3: S3Client;
  /** The data bucket (ORCHESTRA_BUCKET). */
  readonly bucket: string;
  readonly context: Context;
  /** The invocation's environment (process.env on Lambda). */
  readonly env: Environment;
  /** Fires when the step should stop (locally: its timeout or the run's end). Pass it to long waits. */
  readonly signal: AbortSignal;
}

/** A step's own logic: the event in, its result (small: S3 keys of what it wrote) out. */
export type StepFunction<Event extends StepEvent, Output> = (event: Event, tools: StepTools) => Promise<Output>;

const baseLogger = new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'orchestra' });
const metrics = new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'Orchestra', serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'orchestra' });

/** The fields every step event has, checked by hand: zod would add ~450 KB to every bundle. */
function stepEventOf<Event extends StepEvent>(raw: unknown): Event {
  const problems: string[] = [];
  if (!isJsonRecord(raw)) throw new PermanentStepError('not a step event (expected an object): steps are called by the state machine Orchestra compiles');
  for (const field of ['pipeline', 'step', 'runId'] as const) if (typeof raw[field] !== 'string' || raw[field] === '') problems.push(`${field}: expected a non-empty string`);
  if (!isJsonRecord(raw['input']) || typeof raw['input']['source'] !== 'string') problems.push('input: expected the run input, an object with "source"');
  if (!isJsonRecord(raw['dependencies'])) problems.push('dependencies: expected an object');
  if (problems.length > 0) throw new PermanentStepError(`not a step event (${problems.join('; ')}): steps are called by the state machine Orchestra compiles`);
  return raw as Event;
}

/**
 * A Lambda handler for a step: `fn` wrapped with middy and Powertools (JSON logs with the run id and
 * step, metrics), the event checked, an S3 client for the bucket. The same handler runs on AWS Lambda
 * and in-process locally. For an event typed from the graph, use stepHandlerFor.
 */
export function stepHandler<Output, Event extends StepEvent = StepEvent>(fn: StepFunction<Event, Output>) {
  return middy(async (raw: unknown, context: Context): Promise<Output> => {
    const checked = stepEventOf<StepEvent>(raw);
    // A child per invocation: the local runtime runs invocations of one module concurrently.
    const logger = baseLogger.createChild({ persistentKeys: { runId: checked.runId, step: checked.step } });
    const env = currentEnvironment();
    const bucket = requiredVariable(FUNCTION_ENV.bucket, 'the stack, or the local runtime,', env);
    const s3 = s3ClientFor(env);
    logger.info('step started', { dependencies: Object.keys(checked.dependencies) });
    try {
      // Container steps' results are their result.json files (./container-results.ts).
      const event = stepEventOf<Event>({ ...checked, dependencies: await withContainerResults(checked.dependencies, checked, s3, bucket) });
      const output = await fn(event, { logger, metrics, s3, bucket, context, env, signal: currentStopSignal() });
      metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
      logger.info('step succeeded');
      return output;
    } catch (error) {
      metrics.addMetric('StepFailed', MetricUnit.Count, 1);
      logger.error('step failed', error instanceof Error ? error : String(error));
      throw error;
    }
  })
    .use(injectLambdaContext(baseLogger))
    .use(logMetrics(metrics));
}
