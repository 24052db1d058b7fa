/**
 * Keeps a StoredObjectIndex true to s3rver's file store: reads what the bucket holds once, then wraps
 * the store's writes — put (multipart ends in one), copy, delete (one or many) — so the index changes
 * before s3rver answers the request or emits its event. Anything that learns of an object from either
 * then finds it in the index. s3rver has no hook for this; its store is the one place every write
 * passes through.
 */
import type S3rver from 's3rver';
import { StoredObjectIndex } from './stored-object-index';

const PAGE = 1000;

export async function indexStore(store: S3rver['store'], bucket: string): Promise<StoredObjectIndex> {
  const index = new StoredObjectIndex();
  for (let startAfter = ''; ; ) {
    const { objects, isTruncated } = await store.listObjects(bucket, { startAfter, maxKeys: PAGE });
    for (const object of objects) index.put(object.key, { etag: unquoted(object.metadata.etag), size: Number(object.metadata['content-length'] ?? 0) });
    const last = objects.at(-1);
    if (!isTruncated || last === undefined) break;
    startAfter = last.key;
  }
  const { putObject, copyObject, deleteObject } = store;
  store.putObject = async (object) => {
    const stored = await putObject.call(store, object);
    if (object.bucket === bucket) index.put(object.key, { etag: stored.md5, size: stored.size });
    return stored;
  };
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const copied = await copyObject.call(store, srcBucket, srcKey, destBucket, destKey, replacementMetadata);
    if (destBucket === bucket) index.put(destKey, { etag: unquoted(copied.etag), size: Number(copied['content-length'] ?? 0) });
    return copied;
  };
  store.deleteObject = async (deleteBucket, key) => {
    // Out of the index first: a listing while the files go must not name an object a read cannot find.
    if (deleteBucket === bucket) index.delete(key);
    await deleteObject.call(store, deleteBucket, key);
  };
  return index;
}

/** s3rver keeps ETags as JSON strings ("\"…\""); listings give them without quotes. */
function unquoted(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '');
}
