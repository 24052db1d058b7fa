/** The reuse records (lib/contract/step-reuse.ts) as JSON objects in the data bucket. */
import { GetObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { putObject } from '../commons/s3-objects';

/** A record this function wrote, or undefined when there is none (S3 says 403 for a missing key the caller may not list). */
export async function readRecord<T>(s3: S3Client, bucket: string, key: string, isRecord: (value: unknown) => value is T): Promise<T | undefined> {
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404 || error.$metadata.httpStatusCode === 403)) return undefined;
    throw error;
  }
  // A damaged record is an error, not a miss: a miss would quietly recompute and overwrite it.
  const value: unknown = JSON.parse(text);
  if (!isRecord(value)) throw new Error(`s3://${bucket}/${key} is not a reuse record Orchestra wrote: delete it and run again`);
  return value;
}

export const writeRecord = (s3: S3Client, bucket: string, key: string, record: object): Promise<void> =>
  putObject(s3, bucket, key, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
