import { HeadObjectCommand, ListObjectsV2Command, paginateListObjectsV2, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';

export interface ListedS3Object {
  readonly key: string;
  /** Without quotes. */
  readonly etag?: string;
  /** Bytes, when the listing says. */
  readonly size?: number;
}

/**
 * What the triggers ask of the bucket: what is under a prefix, and whether a key is there. On AWS (and
 * against LocalStack) S3 answers it (`s3ObjectListing`); `orchestra up` answers from the embedded S3's
 * own index of what it stores (lib/local/storage/stored-object-index.ts), with the same decisions on top.
 */
export interface ObjectListing {
  list(bucket: string, prefix: string): Promise<readonly ListedS3Object[]>;
  /** By listing, so a role that may list the prefix can always ask (HeadObject needs read). */
  exists(bucket: string, key: string): Promise<boolean>;
}

export const s3ObjectListing = (s3: S3Client): ObjectListing => ({
  list: (bucket, prefix) => listAllObjects(s3, bucket, prefix),
  exists: (bucket, key) => listedObjectExists(s3, bucket, key),
});

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
