/**
 * The built-in function behind every `simulate` step: waits, then fails with the configured
 * probability. With ORCHESTRA_SIMULATE_SEED set, each attempt's duration and outcome follow from
 * (seed, request id), and the local runtime derives request ids from (run, step, attempt): runs are
 * reproducible. Without a seed it is random, as on AWS.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { FUNCTION_ENV } from '../../lib/contract/environment';
import { TransientStepError } from '../../lib/contract/errors';
import type { SimulateSettings } from '../../lib/contract/simulate';
import { simulatedWriteKey } from '../../lib/contract/simulated-write';
import type { StepEvent } from '../../lib/contract/step-event';
import { stepHandler } from '../commons/step-handler';

/** Two independent uniforms in [0, 1) from a seed and an invocation id. */
export function seededUniforms(seed: string, invocation: string): [number, number] {
  const hash = createHash('sha256').update(`${seed}\n${invocation}`).digest();
  return [hash.readUInt32BE(0) / 2 ** 32, hash.readUInt32BE(4) / 2 ** 32];
}

export const handler = stepHandler<unknown, StepEvent & { simulate?: SimulateSettings }>(async (event, { context, logger, env, signal, s3, bucket }) => {
  const settings = event.simulate ?? {};
  const seed = env[FUNCTION_ENV.simulateSeed];
  const [u1, u2] = seed === undefined || seed === '' ? [Math.random(), Math.random()] : seededUniforms(seed, context.awsRequestId);
  const d = settings.durationMs ?? 0;
  const durationMs = typeof d === 'number' ? d : d[0] + u1 * (d[1] - d[0]);
  if (durationMs > 0) await sleep(durationMs, undefined, { signal });
  if (u2 < (settings.failureRate ?? 0)) {
    throw new TransientStepError(`simulated failure of ${event.step} (failureRate ${settings.failureRate})`);
  }
  logger.debug('simulated work done', { durationMs });
  if (settings.writes !== undefined) {
    const key = simulatedWriteKey(settings.writes, { key: event.input['key'], runId: event.runId });
    const body = JSON.stringify({ pipeline: event.pipeline, step: event.step, runId: event.runId, key: event.input['key'] ?? null, inputs: event.input['inputs'] ?? null });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    return settings.output ?? { uri: `s3://${bucket}/${key}` };
  }
  return settings.output ?? { ok: true };
});
