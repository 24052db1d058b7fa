/** `GET /pipelines/{pipeline}/runs/{runId}/logs`: the run's lines across its steps, oldest first, a page at a time. */
import { fail, limitOf, queryOf } from '../context';
import type { RouteHandler } from '../router';

export const readLogs: RouteHandler<'readLogs'> = async (event, api) => {
  const { pipeline, runId, executionArn } = api.runOf(event);
  const { logs } = api.dependencies;
  if (logs === undefined) return fail(501, 'logs are not available from this deployment of the runs API');
  const execution = await api.describeRun(pipeline, runId, executionArn);
  const token = queryOf(event, 'nextToken');
  const offset = token === undefined ? 0 : /^\d{1,9}$/.test(token) ? Number(token) : fail(400, 'nextToken: not a token from a previous answer of this API', 'nextToken');
  const limit = limitOf(event, 1000, 10_000);
  const during = execution.startDate === undefined ? undefined : { start: execution.startDate, stop: execution.stopDate };
  const page = await logs.read(pipeline, runId, { offset, limit }, during);
  return { status: 200, body: { pipeline, runId, lines: [...page.lines], ...(page.more ? { nextToken: String(offset + page.lines.length) } : {}) } };
};
