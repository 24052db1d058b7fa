/** Resolves each step's effective retry, timeout, failure policy and duration estimate. */
import { ERRORS, NEVER_RETRIED } from '../contract/errors';
import type { OnFailure, PipelineGraph, RetryPolicy, Step } from '../graph/schema';
import { defaultEstimatedSeconds, defaultTimeoutSeconds } from '../kinds/compile';
import type { Retrier } from './asl';

export const DEFAULT_RETRY: { maxAttempts: number; intervalSeconds: number; backoffRate: number } = {
  maxAttempts: 3,
  intervalSeconds: 1,
  backoffRate: 2,
};

/** ASL's own defaults: fields equal to them are left out, since every Task repeats its Retry. */
const ASL_DEFAULT_INTERVAL_SECONDS = 1;
const ASL_DEFAULT_BACKOFF_RATE = 2;

export const effectiveRetry = (graph: PipelineGraph, step: Step): RetryPolicy => ({ ...DEFAULT_RETRY, ...graph.defaults?.retry, ...step.retry });
export const effectiveTimeout = (graph: PipelineGraph, step: Step): number => step.timeoutSeconds ?? graph.defaults?.timeoutSeconds ?? defaultTimeoutSeconds(step);
export const effectiveOnFailure = (graph: PipelineGraph, step: Step): OnFailure => step.onFailure ?? graph.defaults?.onFailure ?? 'fail';

/** ASL Retry: graph `maxAttempts` counts every attempt; ASL `MaxAttempts` counts retries only. */
export function renderRetry(policy: RetryPolicy): Retrier[] | undefined {
  const attempts = policy.maxAttempts ?? DEFAULT_RETRY.maxAttempts;
  if (attempts <= 1) return undefined;
  const interval = policy.intervalSeconds ?? DEFAULT_RETRY.intervalSeconds;
  const backoff = policy.backoffRate ?? DEFAULT_RETRY.backoffRate;
  const retrier: Retrier = {
    ErrorEquals: [ERRORS.all],
    MaxAttempts: attempts - 1,
    ...(interval === ASL_DEFAULT_INTERVAL_SECONDS ? {} : { IntervalSeconds: interval }),
    ...(backoff === ASL_DEFAULT_BACKOFF_RATE ? {} : { BackoffRate: backoff }),
    ...(policy.maxDelaySeconds === undefined ? {} : { MaxDelaySeconds: policy.maxDelaySeconds }),
    ...(policy.jitter === 'full' ? { JitterStrategy: 'FULL' as const } : {}),
  };
  return [{ ErrorEquals: [...NEVER_RETRIED], MaxAttempts: 0 }, retrier];
}

/** Expected seconds, for planning only. */
export const estimatedSeconds = (step: Step): number => step.estimatedDurationSeconds ?? defaultEstimatedSeconds(step);
