/** A step's retry policy as ASL's Retry (its effective settings come from lib/graph/resolve-step.ts). */
import { ERRORS, NEVER_RETRIED } from '../contract/errors';
import { DEFAULT_RETRY } from '../graph/resolve-step';
import type { RetryPolicy } from '../graph/schema';
import type { Retrier } from './asl';

/** ASL's own defaults: fields equal to them are left out, since every Task repeats its Retry. */
const ASL_DEFAULT_INTERVAL_SECONDS = 1;
const ASL_DEFAULT_BACKOFF_RATE = 2;

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
