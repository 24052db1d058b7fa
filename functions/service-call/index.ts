/**
 * The built-in function behind every `service` step: records the wait (so a callback or the awaited
 * data item can answer it), then hands the work to the external pipeline service with
 * `POST <url>/processing` and the body the step declares plus `callbackUrl`. Its return value is
 * not the step's result: the Task waits on its token (lib/contract/service-call.ts).
 */
import { randomBytes } from 'node:crypto';
import { type _Object, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { FUNCTION_ENV, requiredVariable } from '../../lib/contract/environment';
import { PermanentStepError, TransientStepError } from '../../lib/contract/errors';
import { processingUrlOf, type ServiceCallSettings, type WaitRecord } from '../../lib/contract/service-call';
import type { StepEvent } from '../../lib/contract/step-event';
import { completeItemWaits, forgetWait, recordWait } from '../../lib/runtime/service-waits';
import { sfnClientFor } from '../../lib/runtime/sfn-client';
import { messageOf } from '../../lib/shared/errors';
import { isJsonRecord } from '../../lib/shared/json';
import { stepHandler } from '../commons/step-handler';

/** How long the service has to accept the work (not to do it). */
export const ACCEPT_TIMEOUT_MS = 30_000;

type ServiceCallEvent = StepEvent & { readonly service?: unknown; readonly taskToken?: unknown };

/** The compiler wrote these; checked by hand because zod would add ~450 KB to the bundle. */
function settingsOf(event: ServiceCallEvent): { settings: ServiceCallSettings; taskToken: string } {
  const { service, taskToken } = event;
  if (!isJsonRecord(service) || typeof service['url'] !== 'string' || !isJsonRecord(service['body']) || (service['awaits'] !== undefined && typeof service['awaits'] !== 'string'))
    throw new PermanentStepError('not a service step event (expected "service": {"url", "body", "awaits"?}): service steps are called by the state machine Orchestra compiles');
  if (typeof taskToken !== 'string' || taskToken === '') throw new PermanentStepError('not a service step event: "taskToken" is missing (the Task must use .waitForTaskToken)');
  const { url, body, awaits } = service;
  return { settings: { url, body, ...(typeof awaits === 'string' ? { awaits } : {}) }, taskToken };
}

/** 4xx other than 408 and 429: the service refuses this work, and would refuse it again. */
const isRefusal = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429;

export const handler = stepHandler<{ readonly accepted: true; readonly callbackId: string }, ServiceCallEvent>(async (event, { logger, s3, bucket, env, signal }) => {
  const { settings, taskToken } = settingsOf(event);
  const callbackBase = requiredVariable(FUNCTION_ENV.callbackUrl, 'the stack, or `orchestra up` (service steps need its runs API),', env);
  const store = { s3, sfn: sfnClientFor(env), bucket };
  const callbackId = randomBytes(32).toString('base64url');
  const wait: WaitRecord = {
    callbackId,
    taskToken,
    pipeline: event.pipeline,
    runId: event.runId,
    step: event.step,
    since: new Date().toISOString(),
    ...(settings.awaits === undefined ? {} : { awaits: settings.awaits }),
  };
  // Before the call: a fast service may call back, or write its product, before the call returns.
  await recordWait(store, wait);
  const url = processingUrlOf(settings.url);
  const callbackUrl = `${callbackBase}${callbackId}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...settings.body, callbackUrl }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(ACCEPT_TIMEOUT_MS)]),
    });
  } catch (error) {
    await forgetWait(store, wait);
    throw new TransientStepError(`POST ${url}: the service did not answer (${messageOf(error)}); retried as the step's retry policy says`);
  }
  if (!response.ok) {
    await forgetWait(store, wait);
    const text = (await response.text().catch(() => '')).slice(0, 500);
    const message = `POST ${url}: HTTP ${response.status}${text === '' ? '' : `: ${text}`}`;
    throw isRefusal(response.status)
      ? new PermanentStepError(`${message} — the service refused the work; fix the request (the step's "body") or the service`)
      : new TransientStepError(message);
  }
  logger.info('the service accepted the work', { url, status: response.status, awaits: settings.awaits });
  // The item may have landed before the wait was recorded: answer from what is there, if it is new.
  if (settings.awaits !== undefined) {
    let newest: _Object | undefined;
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: settings.awaits }))
      for (const object of page.Contents ?? []) if ((object.LastModified?.getTime() ?? 0) > (newest?.LastModified?.getTime() ?? -1)) newest = object;
    if (newest?.Key !== undefined) {
      const item = { key: newest.Key, etag: (newest.ETag ?? '').replace(/"/g, ''), uri: `s3://${bucket}/${newest.Key}` };
      await completeItemWaits(store, settings.awaits, item, newest.LastModified);
    }
  }
  return { accepted: true, callbackId };
});
