/** `GET /pipelines/{pipeline}/runs/{runId}/steps/{step}/reuse`: why the step was reused or computed, as the step-reuse function recorded it. */
import { reuseDecisionSchema } from '../../../lib/contract/run-answers';
import { reuseDecisionKey } from '../../../lib/contract/step-reuse';
import { readStoredRecord } from '../../../lib/runtime/stored-records';
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
  const stored = await readStoredRecord(data.s3, data.bucket, key);
  if (stored === undefined)
    return fail(404, `run ${runId} has no reuse decision for "${step}": the step is not reused (its graph does not ask, or cannot), or the run has not reached it`);
  const decision = reuseDecisionSchema.safeParse(stored);
  if (!decision.success) throw new Error(`s3://${data.bucket}/${key} is not a reuse decision: ${decision.error.message}`);
  return { status: 200, body: decision.data };
};
