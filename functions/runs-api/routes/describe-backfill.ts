/** `GET /backfills/{backfillId}`: a backfill's progress. */
import { BACKFILL_ID, backfillProgress, readBackfill } from '../../../lib/runtime/keyed/backfill';
import { fail } from '../context';
import type { RouteHandler } from '../router';
import { costOfRuns } from '../run-costs';

export const describeBackfill: RouteHandler<'describeBackfill'> = async (event, api) => {
  const id = event.pathParameters?.['backfillId'] ?? '';
  const { data } = api.dependencies;
  const record = data === undefined || !BACKFILL_ID.test(id) ? undefined : await readBackfill(data.s3, data.bucket, id);
  if (record === undefined) return fail(404, `no backfill "${id}"`, 'backfillId');
  const started = record.started ?? [];
  return { status: 200, body: { ...backfillProgress(record), ...(started.length === 0 ? {} : { cost: await costOfRuns(api, started) }) } };
};
