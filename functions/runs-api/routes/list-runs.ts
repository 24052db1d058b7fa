/** `GET /pipelines/{pipeline}/runs`: one pipeline's runs, newest first, a page at a time. */
import { InvalidToken, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { fail, queryOf } from '../context';
import type { RouteHandler } from '../router';
import { withCosts } from '../run-costs';
import { statusFilterOf } from './list-runs-everywhere';

export const listRuns: RouteHandler<'listRuns'> = async (event, api) => {
  const { pipeline, arn } = api.stateMachineOf(event);
  const status = statusFilterOf(queryOf(event, 'status'));
  const nextToken = queryOf(event, 'nextToken');
  const page = await api.sfn
    .send(
      new ListExecutionsCommand({
        stateMachineArn: arn,
        maxResults: 100,
        ...(status === undefined ? {} : { statusFilter: status }),
        ...(nextToken === undefined ? {} : { nextToken }),
      }),
    )
    .catch((error: unknown) => {
      if (error instanceof InvalidToken) return fail(400, 'nextToken: not a token from a previous answer of this API (or expired) — list again without it', 'nextToken');
      throw error;
    });
  return {
    status: 200,
    body: {
      pipeline,
      runs: await withCosts(
        api,
        (page.executions ?? []).map((e) => ({
          pipeline,
          runId: e.name ?? '',
          status: e.status ?? 'RUNNING',
          startedAt: (e.startDate ?? new Date(0)).toISOString(),
          ...(e.stopDate === undefined ? {} : { stoppedAt: e.stopDate.toISOString() }),
        })),
      ),
      ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
    },
  };
};
