/** `POST /backfills`: plan a backfill of keyed pipelines and hand it to the conductor, which works it at its rate. */
import { parseBackfillRequest } from '../../../lib/contract/runs-api';
import { backfillProgress, DEFAULT_BACKFILL_RATE, newBackfillId, planBackfill, writeBackfill } from '../../../lib/runtime/keyed/backfill';
import { listAllObjects } from '../../../lib/runtime/s3-list';
import { fail, requestOf } from '../context';
import type { RouteHandler } from '../router';

export const startBackfill: RouteHandler<'startBackfill'> = async (event, api) => {
  const { keyed, data, backfills } = api.dependencies;
  if (keyed === undefined || keyed.triggers.length === 0 || data === undefined || backfills === undefined)
    return fail(501, 'backfills need keyed pipelines and their conductor, which this deployment does not have');
  const request = requestOf(event, parseBackfillRequest);
  const known = keyed.triggers.map((trigger) => trigger.pipeline);
  for (const [index, pipeline] of (request.pipelines ?? []).entries())
    if (!known.includes(pipeline)) fail(400, `body.pipelines[${index}]: "${pipeline}" is not a keyed pipeline (keyed: ${known.join(', ')})`, `body.pipelines[${index}]`);
  const prefixes = keyed.triggers.map((trigger) => trigger.dataPrefix);
  if (request.prefix !== undefined && !prefixes.some((dataPrefix) => request.prefix?.startsWith(dataPrefix)))
    fail(400, `body.prefix: "${request.prefix}" is not under a keyed pipeline's data prefix (${[...new Set(prefixes)].join(', ')})`, 'body.prefix');
  const targets = await planBackfill(keyed.triggers, request, (prefix) => listAllObjects(data.s3, data.bucket, prefix));
  if (targets.length === 0) fail(400, `body.prefix: no data item under "${String(request.prefix)}" feeds the chosen pipelines: nothing to backfill`, 'body.prefix');
  const now = new Date().toISOString();
  const record = {
    id: newBackfillId(),
    createdAt: now,
    updatedAt: now,
    ratePerSecond: request.ratePerSecond ?? DEFAULT_BACKFILL_RATE,
    status: 'RUNNING' as const,
    total: targets.length,
    done: 0,
    outcomes: {},
    targets,
  };
  await writeBackfill(data.s3, data.bucket, record);
  await backfills.start(record.id);
  return { status: 202, body: backfillProgress(record), location: `/backfills/${record.id}` };
};
