/** `POST /pipelines/{pipeline}/runs/{runId}/redrive`: run again the steps of a failed run that did not succeed. */
import { ExecutionNotRedrivable, RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { fail, runPath } from '../context';
import type { RouteHandler } from '../router';

export const redriveRun: RouteHandler<'redriveRun'> = async (event, api) => {
  const { pipeline, runId, executionArn } = api.runOf(event);
  try {
    const redriven = await api.sfn.send(new RedriveExecutionCommand({ executionArn }));
    return { status: 202, body: { pipeline, runId, status: 'RUNNING', redrivenAt: (redriven.redriveDate ?? new Date()).toISOString() }, location: runPath(pipeline, runId) };
  } catch (error) {
    if (error instanceof ExecutionNotRedrivable) fail(409, `run "${runId}" cannot be redriven: ${error.message}`);
    return api.notFound(pipeline, runId)(error);
  }
};
