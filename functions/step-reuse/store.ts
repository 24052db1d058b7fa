/** The reuse records (lib/contract/step-reuse.ts) as JSON objects in the data bucket. */
import type { S3Client } from '@aws-sdk/client-s3';
import { readStoredRecord } from '../../lib/runtime/stored-records';
import { putObject } from '../commons/s3-objects';

/** A record this function wrote, or undefined when there is none. */
export async function readRecord<T>(s3: S3Client, bucket: string, key: string, isRecord: (value: unknown) => value is T): Promise<T | undefined> {
  const value = await readStoredRecord(s3, bucket, key);
  if (value === undefined) return undefined;
  // A damaged record is an error, not a miss: a miss would quietly recompute and overwrite it.
  if (!isRecord(value)) throw new Error(`s3://${bucket}/${key} is not a reuse record Orchestra wrote: delete it and run again`);
  return value;
}

export const writeRecord = (s3: S3Client, bucket: string, key: string, record: object): Promise<void> =>
  putObject(s3, bucket, key, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
