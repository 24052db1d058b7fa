/**
 * The embedded S3 stores what S3 would, where it should (issue 11, items 1 and 2): keys with `..` or
 * empty segments stay inside the bucket's storage, and `aws-chunked` uploads (SDK v3 stream bodies,
 * AWS CLI v2, multipart parts) are stored byte for byte with the ETag of what is stored.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedS3, startEmbeddedS3 } from '../../lib/local/storage/embedded-s3';

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

describe('embedded S3', () => {
  let s3: EmbeddedS3;
  const outside = mkdtempSync(join(tmpdir(), 'orchestra-outside-'));
  beforeAll(async () => {
    s3 = await startEmbeddedS3({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-s3-')) });
  });
  afterAll(async () => {
    await s3.stop();
  });

  const put = (Key: string, Body: string | Uint8Array | Readable) => s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body }));
  const get = async (Key: string) => Buffer.from((await (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key }))).Body?.transformToByteArray()) ?? []);

  it.each([`ingest/flood/x/../../../../../../../../../../..${outside}/t.txt`, `../../../../../../../../../..${outside}/t.txt`, 'ingest/./a/../b', '..', '.hidden/..'])(
    'keeps the key %s inside the bucket, readable and listed as sent',
    async (key) => {
      await put(key, `body of ${key}`);

      expect(readdirSync(outside)).toEqual([]);
      expect((await get(key)).toString()).toBe(`body of ${key}`);
      const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: key }));
      expect(listed.Contents?.map((o) => o.Key)).toContain(key);
    },
  );

  it('lists more than 1,000 objects page by page (the continuation token needed DES, which Node 24 lacks: patches/)', async () => {
    const keys = Array.from({ length: 1_100 }, (_, i) => `many/${String(i).padStart(4, '0')}/item`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => put(key, key)));

    const listed = await s3.listKeys('many/');
    const firstPage = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'many/' }));

    expect(listed.map((o) => o.key)).toEqual(keys);
    expect(firstPage).toMatchObject({ IsTruncated: true, KeyCount: 1000, NextContinuationToken: expect.any(String) });
  });

  it('reports uploaded keys exactly as stored, "+" and "%xx" included', async () => {
    const seen: string[] = [];
    s3.onObjectCreated((event) => seen.push(event.detail.object.key));

    await put('ingest/my+data/x%41 y&z.csv', 'x');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(seen).toContain('ingest/my+data/x%41 y&z.csv');
  });

  it('copies an object whose key holds "+", "%" and spaces, decoding the copy source as S3 does (decodeURI left %2B encoded: patches/)', async () => {
    const source = 'runs/copy/res/result_1.8E+03 %41.dat';
    await put(source, 'snapshot');
    const encoded = encodeURIComponent(`${s3.bucket}/${source}`).replaceAll('%2F', '/');
    await s3.client.send(new CopyObjectCommand({ Bucket: s3.bucket, Key: 'runs/copy/copied.dat', CopySource: encoded }));
    const copied = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'runs/copy/copied.dat' }));
    expect(await copied.Body?.transformToString()).toBe('snapshot');
  });

  it('refuses a key over 1,024 bytes with KeyTooLongError, as S3 does', async () => {
    await expect(put(`ingest/${'k'.repeat(1020)}`, 'x')).rejects.toMatchObject({ name: 'KeyTooLongError', $metadata: { httpStatusCode: 400 } });
  });

  it('refuses a key part too long for a file name with a 400 that says so (it was a 500)', async () => {
    await expect(put(`ingest/${'p'.repeat(300)}/x.txt`, 'x')).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
  });

  it('keeps the previous object whole when an overwrite is aborted mid-upload (writes are atomic)', async () => {
    await put('ingest/atomic/a.txt', 'the complete first version');
    const { request } = await import('node:http');
    const url = new URL(`${s3.endpoint}/${s3.bucket}/ingest/atomic/a.txt`);

    await new Promise<void>((resolve) => {
      const partial = request(url, { method: 'PUT', headers: { 'content-length': '100000' } });
      partial.on('error', () => resolve());
      partial.write('truncated', () => setTimeout(() => partial.destroy(), 100));
      partial.on('close', () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect((await get('ingest/atomic/a.txt')).toString()).toBe('the complete first version');
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'ingest/atomic/a.txt' }));
    expect(head.ETag).toBe(`"${md5(Buffer.from('the complete first version'))}"`);
  });

  it('reads one whole version of an object being replaced, never the old body cut at the new length', async () => {
    // Versions of different lengths, replaced while they are read: the size was read from the path before the file was opened.
    const versions = Array.from({ length: 6 }, (_, i) => JSON.stringify({ version: i, padding: 'x'.repeat(100 * i) }));
    await put('backfills/torn.json', versions[0] ?? '');
    const reads: string[] = [];
    const reader = (async () => {
      for (let i = 0; i < 150; i++) reads.push((await get('backfills/torn.json')).toString());
    })();
    for (let round = 0; round < 25; round++) for (const version of versions) await put('backfills/torn.json', version);
    await reader;

    expect(reads.filter((body) => !versions.includes(body))).toEqual([]);
  });

  it('keeps keys that differ only by dots or slashes apart', async () => {
    await put('p/a/b', 'one');
    await put('p/a/./b', 'two');
    await put('p/a/../a/b', 'three');

    expect([(await get('p/a/b')).toString(), (await get('p/a/./b')).toString(), (await get('p/a/../a/b')).toString()]).toEqual(['one', 'two', 'three']);
  });

  it('stores a streamed (aws-chunked) upload byte for byte, with the ETag of its content', async () => {
    const content = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));

    const sent = await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: 'ingest/stream/data.bin',
        Body: Readable.from([content.subarray(0, 70_000), content.subarray(70_000)]),
        ContentLength: content.length,
      }),
    );

    const stored = await get('ingest/stream/data.bin');
    expect(stored.equals(content)).toBe(true);
    expect(sent.ETag).toBe(`"${md5(content)}"`);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'ingest/stream/data.bin' }));
    expect(head.ContentLength).toBe(content.length);
    expect(head.ContentEncoding).toBeUndefined();
  });

  it('stores streamed multipart parts byte for byte', async () => {
    const parts = [Buffer.alloc(5 * 1024 * 1024, 'a'), Buffer.from('the last part')];
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: 'ingest/multi/big.bin' }));
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const { ETag } = await s3.client.send(
        new UploadPartCommand({ Bucket: s3.bucket, Key: 'ingest/multi/big.bin', UploadId, PartNumber: i + 1, Body: Readable.from([part]), ContentLength: part.length }),
      );
      etags.push(ETag ?? '');
    }
    await s3.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: s3.bucket,
        Key: 'ingest/multi/big.bin',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );

    expect((await get('ingest/multi/big.bin')).equals(Buffer.concat(parts))).toBe(true);
    expect(etags).toEqual(parts.map((part) => `"${md5(part)}"`));
  });
});

describe("embedded S3's bucket settings, kept in memory", () => {
  it('answers a changed or deleted CORS setting at once (the copy in memory is forgotten when it changes)', async () => {
    const s3 = await startEmbeddedS3({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-s3-')) });
    const Bucket = s3.bucket;
    const rule = (origin: string) => ({ CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: [origin] }] });
    try {
      await expect(s3.client.send(new GetBucketCorsCommand({ Bucket }))).rejects.toThrow(/CORS/);
      await s3.client.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: rule('http://127.0.0.1:1') }));
      expect((await s3.client.send(new GetBucketCorsCommand({ Bucket }))).CORSRules?.[0]?.AllowedOrigins).toEqual(['http://127.0.0.1:1']);
      await s3.client.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: rule('http://127.0.0.1:2') }));
      expect((await s3.client.send(new GetBucketCorsCommand({ Bucket }))).CORSRules?.[0]?.AllowedOrigins).toEqual(['http://127.0.0.1:2']);
      await s3.client.send(new DeleteBucketCorsCommand({ Bucket }));
      await expect(s3.client.send(new GetBucketCorsCommand({ Bucket }))).rejects.toThrow(/CORS/);
    } finally {
      await s3.stop();
    }
  });
});

describe('embedded S3 on a port in use', () => {
  it('fails with what to do instead of an unhandled error event', async () => {
    const first = await startEmbeddedS3({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-s3-')) });
    const port = Number(new URL(first.endpoint).port);
    try {
      await expect(startEmbeddedS3({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-s3-')), port })).rejects.toThrow(
        `127.0.0.1:${port} is already in use — is another \`orchestra up\` running? Stop it, or pick another port with --port`,
      );
    } finally {
      await first.stop();
    }
  });
});
