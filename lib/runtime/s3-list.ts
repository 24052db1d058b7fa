import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export interface ListedS3Object {
  readonly key: string;
  /** Without quotes. */
  readonly etag?: string;
}

/** Every object under `prefix`, following continuation tokens. */
export async function listAllObjects(s3: S3Client, bucket: string, prefix: string): Promise<ListedS3Object[]> {
  const objects: ListedS3Object[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key !== undefined) objects.push({ key: o.Key, ...(o.ETag === undefined ? {} : { etag: o.ETag.replace(/"/g, '') }) });
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return objects;
}
