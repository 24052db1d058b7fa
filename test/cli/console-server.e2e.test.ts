/**
 * `orchestra console` against a deployed API: the page's calls are passed on signed (SigV4, checked
 * here the way API Gateway checks it), with none of the browser's own credentials or cookies, and
 * the answers come back as the API sent them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveConsole } from '../../lib/cli/console-server';
import { RunsApiClient } from '../../lib/cli/runs-api-client';
import { type LocalServer, listenLocal, readRequestBody } from '../../lib/local/endpoints/http';
import { cli } from '../helpers/cli';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signer = () => new SignatureV4({ credentials, region: 'eu-west-3', service: 'execute-api', sha256: Sha256 });

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly signatureValid: boolean;
}

/** Checks a request's SigV4 signature as API Gateway does: the signed headers, re-signed at the signed time. */
async function signatureValid(request: IncomingMessage, url: URL, body: string): Promise<boolean> {
  const authorization = String(request.headers.authorization ?? '');
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const date = String(request.headers['x-amz-date'] ?? '');
  const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name] ?? '')]));
  const expected = await signer().sign(
    {
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(body === '' ? {} : { body }),
    },
    { signingDate },
  );
  return signedHeaders.length > 0 && expected.headers['authorization'] === authorization;
}

const received: Received[] = [];
let api: LocalServer;
let console: LocalServer;

beforeAll(async () => {
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
      const body = (await readRequestBody(request, 1_000_000)) ?? '';
      received.push({
        method: request.method ?? '',
        path: `${url.pathname}${url.search}`,
        headers: request.headers,
        body,
        signatureValid: await signatureValid(request, url, body),
      });
      if (url.pathname === '/v1/pipelines/flood/runs' && request.method === 'POST')
        response.writeHead(202, { 'content-type': 'application/json', location: '/v1/pipelines/flood/runs/r1', 'x-amzn-requestid': 'abc' }).end('{"runId":"r1"}');
      else if (url.pathname === '/v1/pipelines') response.writeHead(200, { 'content-type': 'application/json' }).end('{"pipelines":[{"name":"flood"}]}');
      else response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no run \\"x\\" of flood"}');
    })();
  });
  api = await listenLocal(server, 0, 'fake API Gateway');
  const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Orchestra</title>');
  console = await serveConsole({ client: RunsApiClient.at(`${api.url}/v1/`, signer()), consoleDir: dir });
});
afterAll(async () => {
  await console?.close();
  await api?.close();
});

describe('orchestra console against a deployed runs API', () => {
  it('serves the page itself, and passes the API calls on signed, with none of the browser credentials or cookies', async () => {
    const page = await fetch(`${console.url}/`);
    expect(await page.text()).toContain('<title>Orchestra</title>');

    const listed = await fetch(`${console.url}/pipelines?limit=5`, { headers: { cookie: 'session=secret', authorization: 'Bearer from-the-page' } });

    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ pipelines: [{ name: 'flood' }] });
    const call = received.at(-1);
    expect(call).toMatchObject({ method: 'GET', path: '/v1/pipelines?limit=5', signatureValid: true });
    expect(call?.headers.cookie).toBeUndefined();
    expect(call?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    // The check above is a real one: a request signed with another secret fails it.
    const forger = new SignatureV4({ credentials: { ...credentials, secretAccessKey: 'not-the-key' }, region: 'eu-west-3', service: 'execute-api', sha256: Sha256 });
    await RunsApiClient.at(`${api.url}/v1/`, forger).forward('GET', '/pipelines', undefined);
    expect(received.at(-1)?.signatureValid).toBe(false);
  });

  it('signs a start with its body and Idempotency-Key, and returns the status, body and Location as the API sent them', async () => {
    const started = await fetch(`${console.url}/pipelines/flood/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'night-42' },
      body: '{"input":{"prefix":"ingest/flood/a/"}}',
    });

    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe('/v1/pipelines/flood/runs/r1');
    expect(started.headers.get('x-amzn-requestid')).toBeNull();
    expect(await started.json()).toEqual({ runId: 'r1' });
    expect(received.at(-1)).toMatchObject({ body: '{"input":{"prefix":"ingest/flood/a/"}}', signatureValid: true });
    expect(received.at(-1)?.headers['idempotency-key']).toBe('night-42');
    const refused = await fetch(`${console.url}/pipelines/flood/runs/x`);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({ message: 'no run "x" of flood' });
  });

  it('answers a malformed percent-encoding under /assets/ with a 404 and keeps serving (it crashed the process: issue 29, item 9)', async () => {
    const before = received.length;
    const malformed = await fetch(`${console.url}/assets/%E0%A4%A.js`);
    const page = await fetch(`${console.url}/`);

    expect(malformed.status).toBe(404);
    expect(page.status).toBe(200);
    expect(received.length - before).toBe(1);
  });

  it("refuses another site's page that would act through it, before signing anything", async () => {
    const before = received.length;
    const forged = await fetch(`${console.url}/pipelines/flood/runs/r1/redrive`, { method: 'POST', headers: { origin: 'http://evil.example' } });

    expect(forged.status).toBe(403);
    expect(received).toHaveLength(before);
  });

  it("refuses a body over API Gateway's 10 MiB cap with the cap named, passing nothing on", async () => {
    const before = received.length;
    const answer = await fetch(`${console.url}/pipelines/flood/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(10 * 1024 * 1024 + 1) });

    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ message: 'body: over 10485760 bytes' });
    expect(received).toHaveLength(before);
  });

  it('answers 404 for the event stream (the page polls a deployed API) and 502 with the reason when the API is unreachable', async () => {
    const before = received.length;
    expect((await fetch(`${console.url}/events/runs`)).status).toBe(404);
    expect(received).toHaveLength(before);

    const dead = await serveConsole({ client: RunsApiClient.at('http://127.0.0.1:9/v1'), consoleDir: mkdtempSync(join(tmpdir(), 'console-dist-')) });
    try {
      const answer = await fetch(`${dead.url}/pipelines`);
      expect(answer.status).toBe(502);
      expect(((await answer.json()) as { message: string }).message).toContain('cannot reach the runs API at http://127.0.0.1:9/v1');
    } finally {
      await dead.close();
    }
  });

  it('refuses to start without a deployed API to serve, pointing to orchestra up for the local console', async () => {
    const answer = await cli('console');

    expect(answer.code).toBe(2);
    expect(answer.stderr).toMatch(/--stack <name> or --api <url>.*`orchestra up` serves the local console/);
    expect(answer.stderr).not.toContain('    at ');
  });
});
