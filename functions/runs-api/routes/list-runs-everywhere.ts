/** `GET /runs`: runs across pipelines, newest first, filtered by pipeline, status, key and start time. */
import { type ExecutionStatus, InvalidToken } from '@aws-sdk/client-sfn';
import { RUN_STATUSES } from '../../../lib/contract/statuses';
import { decodeRunsToken, listAllRuns } from '../all-runs';
import { fail, limitOf, queryOf, quotedValue } from '../context';
import type { RouteHandler } from '../router';
import { withCosts } from '../run-costs';

export const statusFilterOf = (status: string | undefined): ExecutionStatus | undefined => {
  if (status === undefined) return undefined;
  const known = RUN_STATUSES.find((candidate) => candidate === status);
  return known ?? fail(400, `status ${quotedValue(status)}: one of ${RUN_STATUSES.join(', ')}`, 'status');
};

export const listRunsEverywhere: RouteHandler<'listRunsEverywhere'> = async (event, api) => {
  const [pipeline, key, since, nextToken] = ['pipeline', 'key', 'since', 'nextToken'].map((name) => queryOf(event, name));
  if (pipeline !== undefined) api.stateMachineOf(event, pipeline);
  const status = statusFilterOf(queryOf(event, 'status'));
  const sinceDate = since === undefined ? undefined : new Date(since);
  if (sinceDate !== undefined && Number.isNaN(sinceDate.getTime())) fail(400, `since: an ISO 8601 time such as 2026-12-01T00:00:00Z, not ${quotedValue(String(since))}`, 'since');
  if (key === '') fail(400, 'key: empty — give an observation id, an object key or a dataset folder, or leave key out', 'key');
  const token = nextToken === undefined ? undefined : decodeRunsToken(nextToken);
  if (nextToken !== undefined && token === undefined) fail(400, 'nextToken: not a token from a previous answer of this API — list again without it', 'nextToken');
  const page = await listAllRuns(api.sfn, {
    startModeOf: (name) => api.modeOf(name),
    pipelines: Object.entries(api.dependencies.pipelines)
      .filter(([name]) => pipeline === undefined || name === pipeline)
      .sort(([a], [b]) => a.localeCompare(b)),
    ...(status === undefined ? {} : { status }),
    ...(key === undefined ? {} : { key }),
    ...(sinceDate === undefined ? {} : { since: sinceDate }),
    ...(token === undefined ? {} : { token }),
    limit: limitOf(event, 50, 100),
  }).catch((error: unknown) => {
    // A well-formed token whose cursors Step Functions does not know (forged, or expired): the caller's mistake, not a 500.
    if (error instanceof InvalidToken) return fail(400, 'nextToken: not a token from a previous answer of this API (or expired) — list again without it', 'nextToken');
    throw error;
  });
  return { status: 200, body: { ...page, runs: await withCosts(api, page.runs) } };
};
