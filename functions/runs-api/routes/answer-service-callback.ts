/** `POST /callbacks/{callbackId}`: an external service answers its `service` step; the callback id in the URL is its capability. */

import { parseCallbackRequest } from '../../../lib/contract/runs-api';
import { CALLBACK_ID } from '../../../lib/contract/service-call';
import { answerCallback } from '../../../lib/runtime/service-waits';
import { fail, requestOf } from '../context';
import type { RouteHandler } from '../router';

const UNKNOWN = 'no service step waits on this callback: it was answered already, or the URL is not one Orchestra sent';

export const answerServiceCallback: RouteHandler<'answerServiceCallback'> = async (event, api) => {
  const callbackId = event.pathParameters?.['callbackId'] ?? '';
  if (!CALLBACK_ID.test(callbackId)) fail(404, UNKNOWN, 'callbackId');
  const { data } = api.dependencies;
  if (data === undefined) return fail(501, 'callbacks are not available from this deployment of the runs API (it has no data bucket)');
  const request = requestOf(event, parseCallbackRequest);
  const answered = await answerCallback({ s3: data.s3, sfn: api.sfn, bucket: data.bucket }, callbackId, request);
  if (answered === 'unknown') return fail(404, UNKNOWN, 'callbackId');
  const { wait, delivered } = answered;
  if (!delivered) fail(410, `step ${wait.step} of ${wait.pipeline} run ${wait.runId} has ended (timed out, failed or stopped): the callback came too late`);
  return { status: 200, body: { pipeline: wait.pipeline, runId: wait.runId, step: wait.step, status: request.status } };
};
