/**
 * Backfills: decide again for many keys through the conductor's own path (`check`), so a backfill
 * starts exactly what a late notification would — nothing twice — except for pipelines with
 * `reprocess: "manual"`, which start a new run per backfill. The plan and its progress live in one
 * object of the data bucket (`backfills/<id>.json`), which the runs API reads for progress; the
 * conductor works through it at the requested rate until its time is up, then hands the rest to a
 * later invocation of itself (AWS) or simply goes on (`orchestra up`).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BACKFILLS_PREFIX } from '../../contract/step-event';
import { isJsonRecord } from '../../shared/json';
import type { ListedObject } from '../ingest';
import type { KeyedOutcome } from './conductor';
import { dataItemOf, type KeyedTrigger } from './keyed-trigger';

/** Step Functions refills StartExecution at 300 per second; a backfill should leave room for live traffic. */
export const MAX_BACKFILL_RATE = 300;
/** The slowest rate the runs API accepts (lib/contract/runs-api.ts): one decision every 10 s. */
export const MIN_BACKFILL_RATE = 0.1;

/** Milliseconds between two decisions at `ratePerSecond`, kept within the rates the API accepts (below 1 is allowed: it was run at 1/s). */
export const backfillIntervalMs = (ratePerSecond: number): number => 1000 / Math.min(Math.max(ratePerSecond, MIN_BACKFILL_RATE), MAX_BACKFILL_RATE);
export { DEFAULT_BACKFILL_RATE } from '../../contract/runs-api';

export interface BackfillTarget {
  readonly pipeline: string;
  readonly key: string;
}

export interface BackfillRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly ratePerSecond: number;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly total: number;
  /** Targets decided so far, in plan order. */
  readonly done: number;
  /** Outcomes so far, by action (start, duplicate, wait, grace, expired, …). */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly updatedAt: string;
  readonly error?: string;
  readonly targets: readonly BackfillTarget[];
  /** The runs its decisions started, in order: what the backfill cost is summed over. */
  readonly started?: ReadonlyArray<{ readonly pipeline: string; readonly runId: string }>;
}

export const backfillKey = (id: string): string => `${BACKFILLS_PREFIX}${id}.json`;
/** The backfill a key of backfills/ records, if it is one. */
export const backfillIdOf = (key: string): string | undefined =>
  key.startsWith(BACKFILLS_PREFIX) && key.endsWith('.json') ? key.slice(BACKFILLS_PREFIX.length, -'.json'.length) : undefined;
export const BACKFILL_ID = /^bf-[A-Za-z0-9_-]{16}$/;
export const newBackfillId = (): string => `bf-${randomBytes(12).toString('base64url')}`;

/**
 * Who to decide for: the named keys in every (or the named) keyed pipeline, or every key with a data
 * item under `prefix`, in the pipelines whose types it holds.
 */
export async function planBackfill(
  triggers: readonly KeyedTrigger[],
  request: { readonly keys?: readonly string[] | undefined; readonly prefix?: string | undefined; readonly pipelines?: readonly string[] | undefined },
  list: (prefix: string) => Promise<readonly ListedObject[]>,
): Promise<BackfillTarget[]> {
  const chosen = triggers.filter((trigger) => request.pipelines === undefined || request.pipelines.includes(trigger.pipeline));
  const targets = new Map<string, BackfillTarget>();
  const add = (pipeline: string, key: string) => targets.set(`${pipeline}\n${key}`, { pipeline, key });
  if (request.keys !== undefined) for (const key of request.keys) for (const trigger of chosen) add(trigger.pipeline, key);
  if (request.prefix !== undefined) {
    for (const object of await list(request.prefix)) {
      for (const trigger of chosen) {
        const item = dataItemOf(trigger.dataPrefix, object.key);
        if (item !== undefined && (trigger.required.includes(item.type) || trigger.optional.includes(item.type))) add(trigger.pipeline, item.key);
      }
    }
  }
  return [...targets.values()];
}

export async function writeBackfill(s3: S3Client, bucket: string, record: BackfillRecord): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: backfillKey(record.id), Body: JSON.stringify(record), ContentType: 'application/json' }));
}

export async function readBackfill(s3: S3Client, bucket: string, id: string): Promise<BackfillRecord | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: backfillKey(id) }));
    const value: unknown = JSON.parse((await object.Body?.transformToString()) ?? 'null');
    return isBackfillRecord(value) ? value : undefined;
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

function isBackfillRecord(value: unknown): value is BackfillRecord {
  return (
    isJsonRecord(value) &&
    typeof value['id'] === 'string' &&
    typeof value['ratePerSecond'] === 'number' &&
    typeof value['total'] === 'number' &&
    typeof value['done'] === 'number' &&
    isJsonRecord(value['outcomes']) &&
    Array.isArray(value['targets']) &&
    value['targets'].every((target) => isJsonRecord(target) && typeof target['pipeline'] === 'string' && typeof target['key'] === 'string') &&
    (value['started'] === undefined ||
      (Array.isArray(value['started']) && value['started'].every((run) => isJsonRecord(run) && typeof run['pipeline'] === 'string' && typeof run['runId'] === 'string')))
  );
}

/** How often progress is written: every this many decisions, and at the end. */
const PROGRESS_EVERY = 50;

/**
 * Works through a backfill from where it stands: at most `ratePerSecond` decisions a second, until
 * done or until `deadline` (then 'more', with how far it got: call again). A decision that throws fails the backfill, with
 * its error recorded; what was decided stays decided.
 */
export async function processBackfill(options: {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly id: string;
  readonly check: (pipeline: string, key: string) => Promise<KeyedOutcome>;
  readonly deadline?: number;
  readonly now?: () => number;
}): Promise<{ readonly status: 'done' | 'more' | 'unknown'; readonly done: number }> {
  const { s3, bucket, id, check } = options;
  const now = options.now ?? Date.now;
  const record = await readBackfill(s3, bucket, id);
  if (record === undefined) return { status: 'unknown', done: 0 };
  if (record.status !== 'RUNNING') return { status: 'done', done: record.done };
  let done = record.done;
  const outcomes: Record<string, number> = { ...record.outcomes };
  const started = [...(record.started ?? [])];
  const save = (status: BackfillRecord['status'], error?: string) =>
    writeBackfill(s3, bucket, { ...record, done, outcomes, started, status, updatedAt: new Date(now()).toISOString(), ...(error === undefined ? {} : { error }) });
  const interval = backfillIntervalMs(record.ratePerSecond);
  let next = now();
  while (done < record.targets.length) {
    if (options.deadline !== undefined && now() >= options.deadline) {
      await save('RUNNING');
      return { status: 'more', done };
    }
    const wait = next - now();
    if (wait > 0) await sleep(wait);
    next = Math.max(next, now()) + interval;
    const target = record.targets[done];
    if (target === undefined) break;
    try {
      const outcome = await check(target.pipeline, target.key);
      outcomes[outcome.action] = (outcomes[outcome.action] ?? 0) + 1;
      if (outcome.action === 'start') started.push({ pipeline: outcome.pipeline, runId: outcome.runName });
    } catch (error) {
      await save('FAILED', `${target.pipeline} ${target.key}: ${error instanceof Error ? error.message : String(error)}`);
      return { status: 'done', done };
    }
    done += 1;
    if (done % PROGRESS_EVERY === 0) await save('RUNNING');
  }
  await save('SUCCEEDED');
  return { status: 'done', done };
}

/** What the runs API answers for a backfill: its progress, without the plan. */
export const backfillProgress = ({ targets: _targets, started: _started, ...progress }: BackfillRecord) => progress;
