/** `GET /pipelines/{pipeline}/runs/{runId}/outputs`: what the run wrote, a page at a time, with presigned URLs. */
import { DEFAULT_OUTPUTS_LISTED, keyOfOutputsToken, MAX_OUTPUTS_LISTED } from '../../../lib/contract/run-outputs';
import { runPrefixFor } from '../../../lib/contract/step-event';
import { readExecutionHistory, statesExitedIn, stepOutcomesFrom } from '../../../lib/runtime/execution-history';
import { withReuseOutcomes } from '../../../lib/runtime/reuse-outcomes';
import { fail, limitOf, queryOf, quotedValue } from '../context';
import { listRunOutputs, listStepReports } from '../outputs';
import type { RouteHandler } from '../router';

export const listOutputs: RouteHandler<'listOutputs'> = async (event, api) => {
  const { pipeline, runId, executionArn } = api.runOf(event);
  const { data } = api.dependencies;
  if (data === undefined) return fail(501, 'outputs are not available from this deployment of the runs API (it has no data bucket)');
  await api.describeRun(pipeline, runId, executionArn);
  const only = queryOf(event, 'only');
  if (only !== undefined && only !== 'reports') fail(400, `only: "reports" (each finished step's report, wherever it falls among the outputs), not ${quotedValue(only)}`, 'only');
  const token = queryOf(event, 'nextToken');
  const after = token === undefined ? undefined : keyOfOutputsToken(token, runPrefixFor(pipeline, runId));
  if (token !== undefined && after === undefined) fail(400, "nextToken: not a token from a previous answer for this run's outputs — list again without it", 'nextToken');
  const limit = limitOf(event, DEFAULT_OUTPUTS_LISTED, MAX_OUTPUTS_LISTED);
  // A step's files are the run's results only once its state exited without a failure (a Map's, once
  // every item did): a stopped or failed step's may be partial. State names are step ids.
  const history = await readExecutionHistory(api.sfn, executionArn);
  const described = api.describedOf(pipeline);
  const [exited, steps] = [statesExitedIn(history), withReuseOutcomes(stepOutcomesFrom(history), history, described)];
  // A reused step's files were copied in by its check; its own state never ran.
  const reusedState = (step: string) => described?.steps[step]?.reuseStates?.reused;
  const ran = (step: string) => exited.has(step) || exited.has(reusedState(step) ?? step);
  const succeeded = (step: string) => ran(step) && !(Object.hasOwn(steps, step) && steps[step]?.status === 'FAILED');
  if (only === 'reports') {
    const reports = await listStepReports(data, pipeline, runId, succeeded);
    return { status: 200, body: { pipeline, runId, ...reports, outputs: [...reports.outputs] } };
  }
  const page = await listRunOutputs(data, pipeline, runId, { limit, ...(after === undefined ? {} : { after }) }, succeeded);
  return { status: 200, body: { pipeline, runId, ...page, outputs: [...page.outputs] } };
};
