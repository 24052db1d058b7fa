/**
 * Calls a Lambda handler in-process, the way the Lambda runtime would call the esbuild bundle: the
 * module's `handler` export with the step event and a Lambda context (request id, function name,
 * remaining time). Middy middlewares and Powertools run inside the handler exactly as deployed.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { Json } from '../../compiler/asl';
import { captureOutput, type LogSink } from '../engine/log-capture';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Deterministic per (run, step, attempt), formatted like Lambda's request ids. */
export function requestIdFor(runId: string, step: string, attempt: number): string {
  const hex = createHash('sha256').update(`${runId}\n${step}\n${attempt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface InvokeOptions {
  readonly functionName: string;
  readonly requestId: string;
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
  readonly log: LogSink;
}

export function lambdaContext(options: Omit<InvokeOptions, 'log'>): Context {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const arn = `arn:aws:lambda:us-east-1:000000000000:function:${options.functionName}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: arn,
    memoryLimitInMB: String(options.memoryMiB),
    awsRequestId: options.requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/${options.requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Result as Lambda would serialise it: JSON only (undefined becomes null). */
export async function invokeInProcess(handler: LambdaHandler, event: Json, options: InvokeOptions): Promise<Json> {
  const result = await captureOutput(options.log, () => handler(event, lambdaContext(options)));
  return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as Json);
}
