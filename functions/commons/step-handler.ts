/**
 * One place for what every step function needs, so handlers hold only their own logic: middy with
 * Powertools (structured JSON logs carrying the run id and step id, EMF metrics) and the S3 client.
 * The same handler files run on Lambda (bundled by esbuild) and in-process on the local runtime.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createS3Client } from '../../lib/runtime/s3-client';
import type { StepEvent } from '../../lib/runtime/step-event';

export interface StepTools {
  /** Carries runId and step on every line. */
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly s3: S3Client;
  /** The data bucket (ORCHESTRA_BUCKET). */
  readonly bucket: string;
  readonly context: Context;
}

export type StepFunction<Input, Output> = (event: StepEvent<Input>, tools: StepTools) => Promise<Output>;

const baseLogger = new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'orchestra' });
const metrics = new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'Orchestra', serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'orchestra' });
let s3: S3Client | undefined;

export class MissingConfigurationError extends Error {
  override readonly name = 'Orchestra.Configuration';
}

export function stepHandler<Input, Output>(fn: StepFunction<Input, Output>) {
  return middy(async (event: StepEvent<Input>, context: Context): Promise<Output> => {
    // A child per invocation: the local runtime runs invocations of one module concurrently.
    const logger = baseLogger.createChild({ persistentKeys: { runId: event.runId, step: event.step } });
    const bucket = process.env['ORCHESTRA_BUCKET'];
    if (bucket === undefined || bucket === '') throw new MissingConfigurationError('ORCHESTRA_BUCKET is not set');
    s3 ??= createS3Client();
    logger.info('step started', { dependencies: Object.keys(event.dependencies ?? {}) });
    try {
      const output = await fn(event, { logger, metrics, s3, bucket, context });
      metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
      logger.info('step succeeded');
      return output;
    } catch (error) {
      metrics.addMetric('StepFailed', MetricUnit.Count, 1);
      logger.error('step failed', error as Error);
      throw error;
    }
  })
    .use(injectLambdaContext(baseLogger))
    .use(logMetrics(metrics));
}
