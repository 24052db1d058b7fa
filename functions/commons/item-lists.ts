/**
 * A list for a `forEach` step to run over that is too big for the run state (Step Functions caps it
 * at 256 KiB): written to S3 as one JSON array, and returned as the `{bucket, key, count}` the
 * graph's `forEach.manifest` names. A Distributed Map reads it with its ItemReader.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ItemList } from '../../lib/contract/map-items';
import { putObject } from './s3-objects';

/** Writes `items` as one JSON array at `key` and returns the pointer a `forEach.manifest` step reads. */
export async function writeItemList(s3: S3Client, bucket: string, key: string, items: readonly unknown[]): Promise<ItemList> {
  await putObject(s3, bucket, key, JSON.stringify(items), 'application/json');
  return { bucket, key, count: items.length };
}
