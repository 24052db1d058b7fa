/**
 * The embedded S3's index (what `orchestra up`'s triggers list) says what the server's own listing
 * says, after every kind of write — put, overwrite, copy, multipart, delete, delete of many — and
 * after a restart over the same data folder.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedS3, startEmbeddedS3 } from '../../lib/local/storage/embedded-s3';
import { listAllObjects } from '../../lib/runtime/s3-list';
import type { ObjectCreatedEventBridgeEvent } from '../../lib/runtime/upload-events';

const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-index-'));

/** The server's answer, over HTTP, beside the index's. */
async function bothListings(s3: EmbeddedS3, prefix = '') {
  return { served: await listAllObjects(s3.client, s3.bucket, prefix), indexed: await s3.listing.list(s3.bucket, prefix) };
}

describe("the embedded S3's index of what it stores", () => {
  let s3: EmbeddedS3 | undefined;
  afterAll(async () => {
    await s3?.stop();
  });

  it('agrees with the listing after puts, overwrites, copies, a multipart upload and deletes', async () => {
    s3 = await startEmbeddedS3({ dataDir });
    const { client, bucket } = s3;
    for (const key of ['data/A/k1/a.dat', 'data/A/k1/b.dat', 'data/B/k1/b.dat', 'data/A/k2/a.dat', 'gone/x', 'gone/y', 'gone/z'])
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `first ${key}` }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/A/k1/a.dat', Body: 'overwritten, longer than before' }));
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'data/C/k1/copy.dat', CopySource: `${bucket}/data/A/k1/a.dat` }));
    const upload = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'data/D/k1/big.dat' }));
    const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key: 'data/D/k1/big.dat', UploadId: upload.UploadId, PartNumber: 1, Body: 'x'.repeat(1000) }));
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'data/D/k1/big.dat', UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone/x' }));
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'gone/y' }, { Key: 'gone/z' }] } }));

    const { served, indexed } = await bothListings(s3);
    expect(indexed).toEqual(served);
    expect(indexed.map((object) => object.key)).toEqual(['data/A/k1/a.dat', 'data/A/k1/b.dat', 'data/A/k2/a.dat', 'data/B/k1/b.dat', 'data/C/k1/copy.dat', 'data/D/k1/big.dat']);
    expect(await bothListings(s3, 'data/A/k1/')).toEqual({ served: indexed.slice(0, 2), indexed: indexed.slice(0, 2) });
    expect(await s3.listing.exists(bucket, 'gone/y')).toBe(false);
    expect(await s3.listing.exists(bucket, 'data/C/k1/copy.dat')).toBe(true);
  });

  it('stores what Orchestra writes itself without HTTP: readable, listed, its ETag its MD5, and notified as any upload', async () => {
    if (s3 === undefined) throw new Error('the first test starts the server');
    const seen: ObjectCreatedEventBridgeEvent[] = [];
    s3.onObjectCreated((event) => seen.push(event));
    const body = '{"crate": true}\n';
    await s3.storeObject('runs/p/r1/ro-crate-metadata.json', body, 'application/json');

    const read = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'runs/p/r1/ro-crate-metadata.json' }));
    expect(await read.Body?.transformToString()).toBe(body);
    expect(read.ContentType).toBe('application/json');
    const md5 = createHash('md5').update(body).digest('hex');
    expect(read.ETag).toBe(`"${md5}"`);
    const { served, indexed } = await bothListings(s3, 'runs/');
    expect(indexed).toEqual(served);
    expect(indexed).toEqual([{ key: 'runs/p/r1/ro-crate-metadata.json', etag: md5, size: body.length }]);
    expect(seen.map((event) => event.detail.object)).toEqual([expect.objectContaining({ key: 'runs/p/r1/ro-crate-metadata.json', etag: md5, size: body.length })]);
    await expect(s3.storeObject(`runs/${'x'.repeat(300)}`, body, 'application/json')).rejects.toThrow(/parts longer than 200 bytes/);
  });

  it('knows what was stored before it started', async () => {
    await s3?.stop();
    s3 = await startEmbeddedS3({ dataDir });
    const { served, indexed } = await bothListings(s3);
    expect(served).toHaveLength(7);
    expect(indexed).toEqual(served);
  });

  it('reads what was stored before it started at the first question, with the writes made before it', async () => {
    await s3?.stop();
    s3 = await startEmbeddedS3({ dataDir });
    const { client, bucket } = s3;
    // Before anything asks the index: an overwrite, a delete and a new object over what is on disk.
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/A/k2/a.dat', Body: 'rewritten before the first listing' }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'data/B/k1/b.dat' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/E/k1/e.dat', Body: 'new' }));

    const { served, indexed } = await bothListings(s3);
    expect(indexed).toEqual(served);
    expect(indexed.map((object) => object.key)).toContain('data/E/k1/e.dat');
    expect(indexed.map((object) => object.key)).not.toContain('data/B/k1/b.dat');
    expect(indexed.find((object) => object.key === 'data/A/k2/a.dat')?.size).toBe('rewritten before the first listing'.length);
  });
});
