import { describe, expect, it } from 'vitest';
import { type S3Request, s3AuthorizationOf } from '../../lib/access/s3-requests';

const request = (method: string, key: string | undefined, query = '', headers: Record<string, string> = {}, deletedKeys?: string[]): S3Request => ({
  method,
  bucket: 'orchestra-data',
  key,
  query: new URLSearchParams(query),
  headers,
  ...(deletedKeys === undefined ? {} : { deletedKeys }),
});
const actionsOf = (r: S3Request) => {
  const authorization = s3AuthorizationOf(r);
  return 'unsupported' in authorization
    ? authorization
    : authorization.requests.map(({ action, resource, context }) => `${action} ${resource}${context === undefined ? '' : ` ${JSON.stringify(context)}`}`);
};

describe("an S3 request's IAM actions (AWS's permissions per operation)", () => {
  it('maps object reads, writes, copies, deletes and multipart uploads to the actions S3 checks, on the object ARNs', () => {
    expect(actionsOf(request('GET', 'a/b.txt'))).toEqual(['s3:GetObject arn:aws:s3:::orchestra-data/a/b.txt']);
    expect(actionsOf(request('HEAD', 'a/b.txt'))).toEqual(['s3:GetObject arn:aws:s3:::orchestra-data/a/b.txt']);
    expect(actionsOf(request('GET', 'a/b.txt', 'versionId=3'))).toEqual(['s3:GetObjectVersion arn:aws:s3:::orchestra-data/a/b.txt']);
    expect(actionsOf(request('PUT', 'a/b.txt', '', { 'x-amz-tagging': 'k=v' }))).toEqual([
      's3:PutObject arn:aws:s3:::orchestra-data/a/b.txt',
      's3:PutObjectTagging arn:aws:s3:::orchestra-data/a/b.txt',
    ]);
    expect(actionsOf(request('PUT', 'to/x y', '', { 'x-amz-copy-source': '/orchestra-data/from/x%20y?versionId=1' }))).toEqual([
      's3:PutObject arn:aws:s3:::orchestra-data/to/x y',
      's3:GetObject arn:aws:s3:::orchestra-data/from/x y',
    ]);
    for (const [method, query] of [
      ['POST', 'uploads'],
      ['PUT', 'partNumber=1&uploadId=u'],
      ['POST', 'uploadId=u'],
    ] as const)
      expect(actionsOf(request(method, 'big.bin', query))).toEqual(['s3:PutObject arn:aws:s3:::orchestra-data/big.bin']);
    expect(actionsOf(request('DELETE', 'big.bin', 'uploadId=u'))).toEqual(['s3:AbortMultipartUpload arn:aws:s3:::orchestra-data/big.bin']);
    expect(actionsOf(request('GET', 'big.bin', 'uploadId=u'))).toEqual(['s3:ListMultipartUploadParts arn:aws:s3:::orchestra-data/big.bin']);
    expect(actionsOf(request('DELETE', 'a/b.txt'))).toEqual(['s3:DeleteObject arn:aws:s3:::orchestra-data/a/b.txt']);
  });

  it('maps listings to s3:ListBucket on the bucket with the prefix as s3:prefix, absent when none is sent', () => {
    expect(actionsOf(request('GET', undefined, 'list-type=2&prefix=runs%2Fa%2F&delimiter=%2F'))).toEqual([
      's3:ListBucket arn:aws:s3:::orchestra-data {"s3:prefix":"runs/a/","s3:delimiter":"/"}',
    ]);
    expect(actionsOf(request('GET', undefined, 'list-type=2'))).toEqual(['s3:ListBucket arn:aws:s3:::orchestra-data {}']);
    expect(actionsOf(request('HEAD', undefined))).toEqual(['s3:ListBucket arn:aws:s3:::orchestra-data']);
    expect(actionsOf(request('GET', undefined, 'location'))).toEqual(['s3:GetBucketLocation arn:aws:s3:::orchestra-data']);
  });

  it('decides a DeleteObjects key by key, and refuses what it cannot map rather than guess', () => {
    expect(actionsOf(request('POST', undefined, 'delete', {}, ['a/1', 'b/2']))).toEqual([
      's3:DeleteObject arn:aws:s3:::orchestra-data/a/1',
      's3:DeleteObject arn:aws:s3:::orchestra-data/b/2',
    ]);
    expect(actionsOf(request('GET', undefined, 'policy'))).toEqual({ unsupported: 'GET ?policy on the bucket' });
    expect(actionsOf(request('PUT', undefined))).toEqual({ unsupported: 'PUT on the bucket' });
    // A copy source that decodes to no object (bad percent-encoding, no key) is refused, not a crash.
    expect(actionsOf(request('PUT', 'to/x', '', { 'x-amz-copy-source': '/orchestra-data/%E0%A4%A' }))).toEqual({
      unsupported: 'a copy from "/orchestra-data/%E0%A4%A", which names no object',
    });
    expect(actionsOf(request('PUT', 'to/x', '', { 'x-amz-copy-source': 'orchestra-data' }))).toEqual({ unsupported: 'a copy from "orchestra-data", which names no object' });
  });
});
