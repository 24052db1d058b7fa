/**
 * The waits of `service` steps (lib/contract/service-call.ts), in the data bucket: recorded by the
 * service-call function before it calls the service, answered by the runs API's callback route or by
 * the conductor when the awaited data item lands, and removed once answered. S3 rather than the key
 * ledger because the service-call function runs as a step (in-process locally, on Lambda in AWS),
 * where the data bucket is the one store it always has.
 */
import { DeleteObjectsCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { InvalidToken, SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, type SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { type CallbackRequest, callbackRecordKey, itemWaitsPrefix, parseWaitRecord, SERVICE_FAILED_ERROR, type WaitRecord, waitRecordKeys } from '../contract/service-call';
import { listAllObjects } from './s3-list';

export interface WaitStore {
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly bucket: string;
}

/** What the awaited item's arrival answers the Task with: its step result. */
export interface ArrivedItem {
  readonly key: string;
  readonly etag: string;
  readonly uri: string;
}

export async function recordWait({ s3, bucket }: WaitStore, wait: WaitRecord): Promise<void> {
  const body = JSON.stringify(wait);
  await Promise.all(waitRecordKeys(wait).map((key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }))));
}

export async function forgetWait({ s3, bucket }: WaitStore, wait: WaitRecord): Promise<void> {
  await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: waitRecordKeys(wait).map((Key) => ({ Key })), Quiet: true } }));
}

async function readWait({ s3, bucket }: WaitStore, key: string): Promise<WaitRecord | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return parseWaitRecord((await object.Body?.transformToString()) ?? '');
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

/** The token's Task has ended (timed out, failed, its run stopped): the wait is stale, not an error. */
const isStaleToken = (error: unknown): boolean => error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken;

/** Answers one wait; false when its Task had already ended. Terminal answers remove the wait. */
async function answer(store: WaitStore, wait: WaitRecord, request: CallbackRequest): Promise<boolean> {
  const { sfn } = store;
  const taskToken = wait.taskToken;
  let delivered = true;
  try {
    if (request.status === 'running') await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
    else if (request.status === 'succeeded') await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(request.output ?? { ok: true }) }));
    else
      await sfn.send(
        new SendTaskFailureCommand({
          taskToken,
          error: request.error ?? SERVICE_FAILED_ERROR,
          cause: request.cause ?? `the service reported that ${wait.step} of ${wait.pipeline} run ${wait.runId} failed, without a cause`,
        }),
      );
  } catch (error) {
    if (!isStaleToken(error)) throw error;
    delivered = false;
  }
  if (request.status !== 'running' || !delivered) await forgetWait(store, wait);
  return delivered;
}

/** A service's callback: 'unknown' when no wait has this id (never made, or already answered). */
export async function answerCallback(
  store: WaitStore,
  callbackId: string,
  request: CallbackRequest,
): Promise<{ readonly wait: WaitRecord; readonly delivered: boolean } | 'unknown'> {
  const wait = await readWait(store, callbackRecordKey(callbackId));
  if (wait === undefined) return 'unknown';
  return { wait, delivered: await answer(store, wait, request) };
}

/**
 * An object landed in `folder` (a data item's folder): every service step awaiting that item succeeds
 * with it. `lastModified`: the object's time, when it may predate a wait (an older version answers no call made after it).
 */
export async function completeItemWaits(store: WaitStore, folder: string, item: ArrivedItem, lastModified?: Date): Promise<WaitRecord[]> {
  const completed: WaitRecord[] = [];
  for (const { key } of await listAllObjects(store.s3, store.bucket, itemWaitsPrefix(folder))) {
    const wait = await readWait(store, key);
    if (wait === undefined) continue;
    // One-second precision of LastModified: an object of the same second counts as the answer.
    if (lastModified !== undefined && lastModified.getTime() < Math.floor(Date.parse(wait.since) / 1000) * 1000) continue;
    if (await answer(store, wait, { status: 'succeeded', output: item })) completed.push(wait);
  }
  return completed;
}
