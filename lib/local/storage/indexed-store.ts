/**
 * Keeps a StoredObjectIndex true to s3rver's file store: wraps the store's writes — put (multipart
 * ends in one), copy, delete (one or many) — so the index changes before s3rver answers the request or
 * emits its event, and anything that learns of an object from either finds it in the index. s3rver has
 * no hook for this; its store is the one place every write passes through.
 *
 * What the bucket held before is read at the first question, not at start: reading every object's
 * metadata costs about 75 µs an object here, and `orchestra run` or `up` over a data folder of 100,000
 * objects would wait seconds for an index it may never ask. Writes made meanwhile win over that read.
 */
import type S3rver from 's3rver';
import type { ListedS3Object } from '../../runtime/s3-list';
import { StoredObjectIndex } from './stored-object-index';

const PAGE = 1000;

export interface IndexedStore {
  list(prefix: string): Promise<ListedS3Object[]>;
  has(key: string): Promise<boolean>;
}

export function indexStore(store: S3rver['store'], bucket: string): IndexedStore {
  const index = new StoredObjectIndex();
  /** Keys written or deleted before the first read of the bucket ended: the read's view of them is older. */
  let changedBeforeLoad: Set<string> | undefined = new Set();
  const changed = (key: string) => changedBeforeLoad?.add(key);
  let loading: Promise<void> | undefined;
  const loaded = () => {
    loading ??= (async () => {
      for (let startAfter = ''; ; ) {
        const { objects, isTruncated } = await store.listObjects(bucket, { startAfter, maxKeys: PAGE });
        for (const object of objects)
          if (!changedBeforeLoad?.has(object.key)) index.put(object.key, { etag: unquoted(object.metadata.etag), size: Number(object.metadata['content-length'] ?? 0) });
        const last = objects.at(-1);
        if (!isTruncated || last === undefined) break;
        startAfter = last.key;
      }
      changedBeforeLoad = undefined;
    })();
    return loading;
  };
  const { putObject, copyObject, deleteObject } = store;
  store.putObject = async (object) => {
    const stored = await putObject.call(store, object);
    if (object.bucket === bucket) {
      changed(object.key);
      index.put(object.key, { etag: stored.md5, size: stored.size });
    }
    return stored;
  };
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const copied = await copyObject.call(store, srcBucket, srcKey, destBucket, destKey, replacementMetadata);
    if (destBucket === bucket) {
      changed(destKey);
      index.put(destKey, { etag: unquoted(copied.etag), size: Number(copied['content-length'] ?? 0) });
    }
    return copied;
  };
  store.deleteObject = async (deleteBucket, key) => {
    // Out of the index first: a listing while the files go must not name an object a read cannot find.
    if (deleteBucket === bucket) {
      changed(key);
      index.delete(key);
    }
    await deleteObject.call(store, deleteBucket, key);
  };
  return {
    list: async (prefix) => {
      await loaded();
      return index.list(prefix);
    },
    has: async (key) => {
      await loaded();
      return index.has(key);
    },
  };
}

/** s3rver keeps ETags as JSON strings ("\"…\""); listings give them without quotes. */
function unquoted(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '');
}
