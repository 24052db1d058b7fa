import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';

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
