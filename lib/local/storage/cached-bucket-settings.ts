/**
 * s3rver reads a bucket's CORS and website settings from disk, and stats its folder, on every request
 * (its cors, website and bucket-exists middleware): three file operations before an object is touched.
 * They change only through the store's own calls, so they are kept in memory and forgotten when one of
 * those calls changes them. Object-level subresources (tagging, ACLs) are read as before.
 */
import type S3rver from 's3rver';

export function cacheBucketSettings(store: S3rver['store']): void {
  const buckets = new Map<string, Promise<unknown>>();
  const settings = new Map<string, Promise<unknown>>();
  const { getBucket, putBucket, deleteBucket, getSubresource, putSubresource, deleteSubresource } = store;
  const forget = (bucket: string) => {
    buckets.delete(bucket);
    for (const id of settings.keys()) if (id.startsWith(`${bucket}\n`)) settings.delete(id);
  };
  /** A read that fails is not kept: the next request reads again. */
  const remembered = <T>(cache: Map<string, Promise<T>>, id: string, read: () => Promise<T>): Promise<T> => {
    let value = cache.get(id);
    if (value === undefined) {
      value = read();
      cache.set(id, value);
      value.catch(() => cache.delete(id));
    }
    return value;
  };
  store.getBucket = (bucket) => remembered(buckets, bucket, () => getBucket.call(store, bucket));
  /** A bucket made or removed: what was known of it is forgotten before and after (a read may race the change). */
  const changingBucket =
    (change: (bucket: string) => Promise<unknown>) =>
    async (bucket: string): Promise<unknown> => {
      forget(bucket);
      try {
        return await change.call(store, bucket);
      } finally {
        forget(bucket);
      }
    };
  store.putBucket = changingBucket(putBucket);
  store.deleteBucket = changingBucket(deleteBucket);
  store.getSubresource = (bucket, key, type) =>
    key === undefined ? remembered(settings, `${bucket}\n${type}`, () => getSubresource.call(store, bucket, key, type)) : getSubresource.call(store, bucket, key, type);
  store.putSubresource = async (bucket, key, resource) => {
    try {
      await putSubresource.call(store, bucket, key, resource);
    } finally {
      if (key === undefined) settings.delete(`${bucket}\n${resource.type}`);
    }
  };
  store.deleteSubresource = async (bucket, key, type) => {
    try {
      await deleteSubresource.call(store, bucket, key, type);
    } finally {
      if (key === undefined) settings.delete(`${bucket}\n${type}`);
    }
  };
}
