/** `GET /pipelines/{pipeline}/runs/{runId}/steps/{step}/reuse`: why the step was reused or computed, as the step-reuse function recorded it. */
import { GetObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { reuseDecisionSchema } from '../../../lib/contract/run-answers';
import { reuseDecisionKey } from '../../../lib/contract/step-reuse';
import { fail } from '../context';
import type { RouteHandler } from '../router';

export const explainStep: RouteHandler<'explainStep'> = async (event, api) => {
  const { pipeline, runId } = api.runOf(event);
  const step = event.pathParameters?.['step'] ?? '';
  const { data } = api.dependencies;
  if (data === undefined) return fail(501, 'reuse decisions are not served by this deployment of the runs API (it has no data bucket)');
  const described = api.describedOf(pipeline);
  if (described !== undefined && !Object.hasOwn(described.steps, step))
    fail(404, `pipeline ${pipeline} has no step "${step}" (steps: ${Object.keys(described.steps).join(', ')})`, 'step');
  const key = reuseDecisionKey(pipeline, step, runId);
  let text: string;
  try {
    const object = await data.s3.send(new GetObjectCommand({ Bucket: data.bucket, Key: key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    // S3 answers 403, not 404, for a missing key the caller may not list.
    if (error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.$metadata.httpStatusCode === 403))
      return fail(404, `run ${runId} has no reuse decision for "${step}": the step is not reused (its graph does not ask, or cannot), or the run has not reached it`);
    throw error;
  }
  const decision = reuseDecisionSchema.safeParse(JSON.parse(text));
  if (!decision.success) throw new Error(`s3://${data.bucket}/${key} is not a reuse decision: ${decision.error.message}`);
  return { status: 200, body: decision.data };
};
