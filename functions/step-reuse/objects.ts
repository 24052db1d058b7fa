/**
 * Objects by content, for reuse: the digests a fingerprint takes, the outputs an entry records, the
 * check that they are still there unchanged, and the copy of a reused step's outputs into the new run.
 */
import { CopyObjectCommand, HeadObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { RESULT_FILE } from '../../lib/contract/step-event';
import type { RecordedOutput } from '../../lib/contract/step-reuse';
import { isJsonRecord } from '../../lib/shared/json';
import { getText, putObject } from '../commons/s3-objects';

/** What is wrong with a recorded output now (gone, or not the bytes recorded), or undefined when it is as recorded. */
export async function outputProblem(s3: S3Client, bucket: string, prefix: string, output: RecordedOutput): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}${output.path}` }));
    if (head.ContentLength !== output.size || head.ETag?.replace(/"/g, '') !== output.etag) return `${prefix}${output.path} changed since it was recorded`;
    return undefined;
  } catch (error) {
    // S3 answers 403, not 404, for a missing key the caller may not list.
    if (error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.$metadata.httpStatusCode === 403)) return `${prefix}${output.path} is gone`;
    throw error;
  }
}

/** `value` with every string that starts with `from` starting with `to` instead (a reused result naming its run's outputs). */
export function rebased(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.startsWith(from) ? `${to}${value.slice(from.length)}` : value;
  if (Array.isArray(value)) return value.map((item) => rebased(item, from, to));
  if (isJsonRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rebased(item, from, to)]));
  return value;
}

/**
 * Copies a reused step's outputs into the new run's output prefix, so the run holds all it produced
 * (its manifest, its outputs page, the steps after it read them where they expect). A container's
 * result.json names its files by key, so it is rewritten to name the copies.
 */
export async function copyOutputs(s3: S3Client, bucket: string, from: string, to: string, outputs: readonly RecordedOutput[], runsFrom: string, runsTo: string): Promise<void> {
  await Promise.all(
    outputs.map(async ({ path }) => {
      if (path === RESULT_FILE) {
        const text = await getText(s3, bucket, `${from}${path}`);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (parsed !== undefined) {
          await putObject(s3, bucket, `${to}${path}`, JSON.stringify(rebased(parsed, runsFrom, runsTo)), 'application/json');
          return;
        }
      }
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: `${to}${path}`, CopySource: `${bucket}/${encodeURIComponent(`${from}${path}`).replaceAll('%2F', '/')}` }));
    }),
  );
}
