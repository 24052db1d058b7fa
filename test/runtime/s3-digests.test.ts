/** An object by content (lib/runtime/s3-digests.ts): its SHA-256, streamed, with what its read answered — size, ETag and version. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestOf } from '../../lib/runtime/s3-digests';
import { fakeS3 } from '../helpers/fake-sfn';

async function* chunks(...parts: string[]) {
  for (const part of parts) yield new TextEncoder().encode(part);
}

describe('digestOf', () => {
  it('hashes the body as it streams and keeps the ETag and the version a versioned bucket gives', async () => {
    const { s3, sent } = fakeS3(() => ({ Body: chunks('flood ', 'case'), ETag: '"abc"', VersionId: '3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY' }));
    expect(await digestOf(s3, 'data', 'ingest/flood/a.txt')).toEqual({
      sha256: createHash('sha256').update('flood case').digest('hex'),
      size: 10,
      etag: '"abc"',
      versionId: '3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY',
    });
    expect(sent).toEqual([{ command: 'GetObjectCommand', input: { Bucket: 'data', Key: 'ingest/flood/a.txt' } }]);
  });

  it('gives no version for an object written before the bucket was versioned ("null") or in a bucket without versions', async () => {
    for (const VersionId of ['null', undefined]) {
      const { s3 } = fakeS3(() => ({ Body: chunks('x'), ...(VersionId === undefined ? {} : { VersionId }) }));
      expect(await digestOf(s3, 'data', 'k')).not.toHaveProperty('versionId');
    }
  });
});
