/** Objects by content: their SHA-256, streamed, and a folder's objects recorded with size, ETag and SHA-256 (reuse entries, provenance). */
import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RecordedOutput } from '../contract/step-reuse';
import { listAllObjects } from './s3-list';

const isAsyncIterable = (value: unknown): value is AsyncIterable<Uint8Array> => typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/** SHA-256 of an object, streamed: inputs may be far bigger than a function's memory. */
export async function sha256Of(s3: S3Client, bucket: string, key: string): Promise<string> {
  return (await digestOf(s3, bucket, key)).sha256;
}

/** An object's SHA-256 (streamed), with the size, ETag and version (in a versioned bucket) its read answered. */
export async function digestOf(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ readonly sha256: string; readonly size: number; readonly etag?: string; readonly versionId?: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  const body = object.Body;
  let size = 0;
  if (isAsyncIterable(body))
    for await (const chunk of body) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
  else if (body !== undefined) {
    const bytes = await body.transformToByteArray();
    hash.update(bytes);
    size = bytes.byteLength;
  }
  return {
    sha256: hash.digest('hex'),
    size,
    ...(object.ETag === undefined ? {} : { etag: object.ETag }),
    // "null": the object was written before the bucket was versioned.
    ...(object.VersionId === undefined || object.VersionId === 'null' ? {} : { versionId: object.VersionId }),
  };
}

/** Every object under `prefix` with its size, ETag and SHA-256, by path relative to the prefix, sorted. */
export async function recordObjects(s3: S3Client, bucket: string, prefix: string): Promise<RecordedOutput[]> {
  const listed = await listAllObjects(s3, bucket, prefix);
  const outputs = await Promise.all(
    listed.map(async ({ key, size, etag }) => ({ path: key.slice(prefix.length), size: size ?? 0, etag: etag ?? '', sha256: await sha256Of(s3, bucket, key) })),
  );
  return outputs.sort((a, b) => a.path.localeCompare(b.path));
}
