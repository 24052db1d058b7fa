import { HeadObjectCommand, ListObjectsV2Command, paginateListObjectsV2, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';

export interface ListedS3Object {
  readonly key: string;
  /** Without quotes. */
  readonly etag?: string;
  /** Bytes, when the listing says. */
  readonly size?: number;
}

/** Every object under `prefix`, through the SDK's paginator. */
export async function listAllObjects(s3: S3Client, bucket: string, prefix: string): Promise<ListedS3Object[]> {
  const objects: ListedS3Object[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? [])
      if (o.Key !== undefined) objects.push({ key: o.Key, ...(o.ETag === undefined ? {} : { etag: o.ETag.replace(/"/g, '') }), ...(o.Size === undefined ? {} : { size: o.Size }) });
  }
  return objects;
}

/** Whether the object is there; S3 answers 403, not 404, for a missing key the caller may not list: both are "no". */
export async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.$metadata.httpStatusCode === 403)) return false;
    throw error;
  }
}

/** Whether the object is there, by listing (what a role that may list a prefix can always ask, where HeadObject needs read). */
export async function listedObjectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  return listed.Contents?.[0]?.Key === key;
}
