/** `DELETE /pipelines/{pipeline}/runs/{runId}`: cancel a running run (its running steps are stopped). */
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { ERRORS } from '../../../lib/contract/errors';
import { fail, runPath } from '../context';
import type { RouteHandler } from '../router';

export const CANCELLED_ERROR = ERRORS.cancelled;

export const cancelRun: RouteHandler<'cancelRun'> = async (event, api) => {
  const { pipeline, runId, executionArn } = api.runOf(event);
  // StopExecution answers for a finished run too, changing nothing: saying ABORTED then would be false.
  const { status } = await api.describeRun(pipeline, runId, executionArn);
  if (status !== 'RUNNING') fail(409, `run "${runId}" is ${status ?? 'not running'}: only a RUNNING run can be cancelled`, 'runId');
  await api.sfn.send(new StopExecutionCommand({ executionArn, error: CANCELLED_ERROR, cause: 'cancelled through the runs API' })).catch(api.notFound(pipeline, runId));
  return { status: 202, body: { pipeline, runId, status: 'ABORTED' }, location: runPath(pipeline, runId) };
};
