/**
 * Issue 29, items 1–2: web pages cannot drive the local runtime. The embedded S3 and the Step
 * Functions endpoint refuse another Host (DNS rebinding), another site's requests, S3's browser form
 * upload and any request not signed with the data folder's secret — over plain HTTP, and in Chromium
 * from a page at another origin — while SDK clients with the secret pass.
 */
import { request } from 'node:http';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../lib/local/runtime';
import { launchBrowser } from '../helpers/browser';
import { startTestRuntime } from '../helpers/local-runtime';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime([{ name: 'open', trigger: { ingestPrefix: 'ingest/open/', mode: 'per-object' }, steps: { a: { kind: 'simulate' } } }]);
});

afterAll(() => runtime.stop());

/** A raw HTTP request, headers as given (Host included): what a browser or a rebinding page sends. */
function send(url: string, method: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const objects = async (prefix: string): Promise<string[]> => (await runtime.s3.listKeys(prefix)).map(({ key }) => key);

describe('the embedded S3', () => {
  it.each([
    ['a rebinding Host', { host: 'evil.test:4568' }, /Host (&quot;|")evil\.test:4568(&quot;|") is not a loopback address/],
    ['another site (Sec-Fetch-Site)', { 'sec-fetch-site': 'cross-site' }, /a page of another site may not use this server/],
    ['another Origin', { origin: 'http://evil.test' }, /a page of http:\/\/evil\.test may not PUT here/],
  ])('refuses a PUT from %s with AccessDenied, storing nothing', async (_, headers, message) => {
    const { status, text } = await send(`${runtime.s3.endpoint}/${runtime.s3.bucket}/ingest/open/x-${Object.keys(headers).join('-')}.txt`, 'PUT', headers, 'data');

    expect(status).toBe(403);
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toMatch(message);
    expect(await objects('ingest/open/x-')).toEqual([]);
  });

  it('refuses a browser form upload (POST Object)', async () => {
    const boundary = 'b0undary';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="key"',
      '',
      'ingest/open/form.txt',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="f.txt"',
      '',
      'data',
      `--${boundary}--`,
      '',
    ].join('\r\n');

    const { status, text } = await send(`${runtime.s3.endpoint}/${runtime.s3.bucket}`, 'POST', { 'content-type': `multipart/form-data; boundary=${boundary}` }, body);

    expect([status, text.includes('browser form uploads (POST Object) are refused')]).toEqual([403, true]);
    expect(await objects('ingest/open/form')).toEqual([]);
  });

  it('refuses an unsigned PUT, and one signed with another secret (the published S3RVER one)', async () => {
    const anonymous = await send(`${runtime.s3.endpoint}/${runtime.s3.bucket}/ingest/open/anonymous.txt`, 'PUT', {}, 'data');
    const stranger = new S3Client({
      endpoint: runtime.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      maxAttempts: 1,
    });

    expect([anonymous.status, anonymous.text.includes('<Code>AccessDenied</Code>'), anonymous.text.includes('the request is not signed')]).toEqual([403, true, true]);
    await expect(stranger.send(new PutObjectCommand({ Bucket: runtime.s3.bucket, Key: 'ingest/open/stranger.txt', Body: 'x' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    expect(await objects('ingest/open/anonymous')).toEqual([]);
    expect(await objects('ingest/open/stranger')).toEqual([]);
  });

  it('still serves the SDK', async () => {
    await runtime.s3.client.send(new PutObjectCommand({ Bucket: runtime.s3.bucket, Key: 'ingest/open/sdk.txt', Body: 'ok' }));

    expect(await objects('ingest/open/sdk')).toEqual(['ingest/open/sdk.txt']);
  });
});

describe('the Step Functions endpoint', () => {
  it.each([
    ['a rebinding Host', { host: 'evil.test' }],
    ['another site', { 'sec-fetch-site': 'cross-site' }],
    ['another Origin', { origin: 'http://evil.test' }],
  ])('refuses %s with AccessDeniedException', async (_, headers) => {
    const { status, text } = await send(
      runtime.stepFunctionsEndpoint,
      'POST',
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines', ...headers },
      '{}',
    );

    expect(status).toBe(403);
    expect(JSON.parse(text)).toMatchObject({ __type: 'AccessDeniedException' });
  });

  it('still serves the SDK', async () => {
    expect((await runtime.sfn.send(new ListStateMachinesCommand({}))).stateMachines?.map((machine) => machine.name)).toEqual(['open']);
  });
});

describe('a page at another origin, in Chromium', () => {
  let browser: BrowserContext;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser.close());

  it('can neither upload to the embedded S3 (form POST, fetch PUT) nor call the Step Functions endpoint', async () => {
    const page = await browser.newPage();
    const s3 = `${runtime.s3.endpoint}/${runtime.s3.bucket}`;
    const html = `<!doctype html><form id="f" method="POST" action="${s3}" enctype="multipart/form-data">
      <input name="key" value="ingest/open/evil-form.txt"><textarea name="file">x</textarea></form>
      <script>
        window.attempts = Promise.allSettled([
          fetch('${s3}/ingest/open/evil-fetch.txt', { method: 'PUT', body: 'x', mode: 'no-cors' }),
          fetch('${runtime.stepFunctionsEndpoint}', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"stateMachineArn": "x"}' }),
        ]).then(() => document.getElementById('f').submit());
      </script>`;
    await page.route('http://evil.test/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));

    await page.goto('http://evil.test/attack');
    await page.waitForURL(`${s3}**`, { timeout: 10_000 }).catch(() => undefined);

    expect(await objects('ingest/open/evil')).toEqual([]);
    expect(runtime.store.list().filter((run) => JSON.stringify(run.input).includes('evil'))).toEqual([]);
    await page.close();
  });
});
