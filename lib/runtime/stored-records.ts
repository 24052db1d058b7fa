/** A JSON record Orchestra keeps in the data bucket, read back: undefined when there is none. */
import { GetObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';

/** Its parsed JSON, or undefined when it is not there (S3 answers 403, not 404, for a missing key the caller may not list). */
export async function readStoredRecord(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404 || error.$metadata.httpStatusCode === 403)) return undefined;
    throw error;
  }
  return JSON.parse(text);
}
