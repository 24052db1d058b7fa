/** SigV4 checked as S3 and Step Functions check it, on requests the SDK itself signed. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, listenLocal, readRequestBody } from '../../lib/local/endpoints/http';
import { type ReceivedRequest, signatureProblem } from '../../lib/local/endpoints/signature-check';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'a-secret-made-for-this-data-folder' };
const received: Array<ReceivedRequest & { readonly body: string }> = [];
let server: LocalServer;

beforeAll(async () => {
  server = await listenLocal(
    createServer((request, response) => {
      void (async () => {
        const body = (await readRequestBody(request, 1_000_000)) ?? '';
        received.push({ method: request.method ?? '', url: request.url ?? '/', headers: request.headers, body });
        if (request.headers['x-amz-target'] !== undefined) response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"stateMachines": []}');
        else response.writeHead(200, { etag: '"x"' }).end();
      })();
    }),
    0,
    'signature recorder',
  );
});

afterAll(() => server.close());

const s3 = (secret = credentials.secretAccessKey) =>
  new S3Client({ endpoint: server.url, region: 'us-east-1', forcePathStyle: true, credentials: { ...credentials, secretAccessKey: secret } });

async function lastRequestOf(send: () => Promise<unknown>): Promise<ReceivedRequest & { readonly body: string }> {
  const before = received.length;
  await send().catch(() => undefined);
  const request = received[before];
  if (request === undefined) throw new Error('nothing sent');
  return request;
}

describe('signatureProblem', () => {
  it.each([
    ['a PUT with a body hash', () => s3().send(new PutObjectCommand({ Bucket: 'b', Key: 'ingest/a b+c%.txt', Body: 'data' }))],
    ['a PUT of a stream (aws-chunked or unsigned payload)', () => s3().send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Readable.from(['da', 'ta']), ContentLength: 4 }))],
    ['a GET with a query', () => s3().send(new GetObjectCommand({ Bucket: 'b', Key: 'k', ResponseContentDisposition: 'attachment; filename="k.txt"' }))],
  ])('accepts %s signed with the secret', async (_, send) => {
    const request = await lastRequestOf(send);

    expect(await signatureProblem(request, credentials, 's3')).toBeUndefined();
  });

  it('refuses the same requests signed with another secret, altered, or unsigned', async () => {
    const other = await lastRequestOf(() => s3('S3RVER').send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'data' })));
    const good = await lastRequestOf(() => s3().send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'data' })));
    const altered = { ...good, url: good.url.replace('/k', '/ingest/k') };
    const unsigned = { ...good, headers: { ...good.headers, authorization: undefined } satisfies IncomingHttpHeaders };

    expect(await signatureProblem(other, credentials, 's3')).toMatch(/signature does not match/);
    expect(await signatureProblem(altered, credentials, 's3')).toMatch(/signature does not match/);
    expect(await signatureProblem(unsigned, credentials, 's3')).toMatch(/not signed/);
    expect(await signatureProblem(good, credentials, 'states')).toMatch(/signed for s3, not states/);
  });

  it('accepts a presigned GET until it expires, and refuses it altered', async () => {
    const url = new URL(await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'b', Key: 'runs/p/r/map.png', ResponseContentDisposition: 'attachment' }), { expiresIn: 60 }));
    const request = { method: 'GET', url: `${url.pathname}${url.search}`, headers: { host: url.host } };

    expect(await signatureProblem(request, credentials, 's3')).toBeUndefined();
    expect(await signatureProblem({ ...request, url: request.url.replace('map.png', 'other.png') }, credentials, 's3')).toMatch(/does not match/);
    expect(await signatureProblem(request, credentials, 's3', new Date(Date.now() + 61_000))).toMatch(/expired/);
  });

  it('checks a Step Functions request over its body', async () => {
    const sfn = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials });
    const request = await lastRequestOf(() => sfn.send(new ListStateMachinesCommand({ maxResults: 5 })));

    expect(await signatureProblem(request, credentials, 'states')).toBeUndefined();
    expect(await signatureProblem({ ...request, body: '{"maxResults": 6}' }, credentials, 'states')).toMatch(/does not match/);
  });
});
