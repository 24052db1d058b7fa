/**
 * External pipeline services as product providers, on the embedded runtime: real HTTP services on
 * loopback accept the work (POST <url>/processing with {product, obs_id, inputs, callbackUrl}), then
 * write the product as a data item, or call back success or failure; a refusal fails the step
 * without retries. Products made by services feed products after them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { importProducts } from '../../lib/importers/products';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { isJsonRecord } from '../../lib/shared/json';
import { ROOT, startTestRuntime, upload } from '../helpers/local-runtime';

interface Received {
  readonly product: unknown;
  readonly obs_id: unknown;
  readonly inputs: unknown;
  readonly callbackUrl: string;
}

type Behaviour = (work: Received) => Promise<void>;

/** A pipeline service: answers POST /pipeline/processing with `status`, then does `behaviour` in the background. */
async function pipelineService(status: number, behaviour: Behaviour): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/pipeline/processing') {
        response.writeHead(404).end();
        return;
      }
      const body: unknown = JSON.parse(text);
      if (!isJsonRecord(body) || typeof body['callbackUrl'] !== 'string') throw new Error(`unexpected body ${text}`);
      const work = { product: body['product'], obs_id: body['obs_id'], inputs: body['inputs'], callbackUrl: body['callbackUrl'] };
      received.push(work);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status < 300 ? { accepted: true } : { message: 'unknown product' }));
      if (status < 300) setTimeout(() => void behaviour(work), 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pipeline`, received };
}

const runtime = await startTestRuntime([], { retryDelayMs: 1 });
await runtime.serveRunsApi();
const callBack = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// Writes the product where the mission's services import theirs: data/<product>/<obs_id>/.
const writesProduct = await pipelineService(202, async (work) => {
  await runtime.s3.client.send(new PutObjectCommand({ Bucket: runtime.s3.bucket, Key: `data/${String(work.product)}/${String(work.obs_id)}/product.fits`, Body: 'made' }));
});
const callsBackFailure = await pipelineService(202, async (work) => {
  await callBack(work.callbackUrl, { status: 'failed', error: 'Mission.NoSignal', cause: `no QPO in ${String(work.obs_id)}` });
});
const callsBackSuccess = await pipelineService(200, async (work) => {
  await callBack(work.callbackUrl, { status: 'running' });
  await callBack(work.callbackUrl, { status: 'succeeded', output: { catalogued: work.obs_id } });
});
const refuses = await pipelineService(400, async () => undefined);
const servers = [writesProduct, callsBackFailure, callsBackSuccess, refuses];
afterAll(async () => {
  for (const { server } of servers) server.close();
  await runtime.stop();
});

const { graphs, issues } = importProducts({
  inputs: ['EclTmVhfAlert', 'EclHk'],
  products: {
    QPO_ECL: { m_input: ['EclTmVhfAlert'], o_input: ['EclHk'], provider: 'qpo_ecl_pipeline', url: writesProduct.url },
    QPO_FIT: { m_input: ['QPO_ECL'], provider: 'fit_service', url: callsBackSuccess.url },
    GRB_LC: { m_input: ['EclTmVhfAlert'], provider: 'grb_pipeline', url: callsBackFailure.url },
    MXT_SRC: { m_input: ['EclHk'], provider: 'mxt_pipeline', url: refuses.url },
  },
});
for (const graph of graphs) runtime.addPipeline(pipelineFromGraph(graph, ROOT));

describe('external pipeline services as product providers', () => {
  it('imports URLs as service steps: a product per service, awaiting its own data item', () => {
    expect(issues).toEqual([]);
    expect(graphs.find((graph) => graph.name === 'QPO_ECL')?.steps['produce']).toMatchObject({
      kind: 'service',
      url: writesProduct.url,
      body: { product: 'QPO_ECL', obs_id: '{key}', inputs: '{inputs}' },
      awaitsDataItem: 'QPO_ECL',
    });
  });

  it('succeeds when the product lands or the service calls back success, fails on a failure callback or a refusal', async () => {
    const finished: RunRecord[] = [];
    runtime.on((event) => {
      if (event.type === 'run-finished') finished.push(event.run);
    });
    await upload(runtime, 'data/EclHk/obs-7/hk.fits', 'hk');
    await upload(runtime, 'data/EclTmVhfAlert/obs-7/alert.fits', 'alert');
    for (let i = 0; i < 200 && finished.length < 4; i++) {
      await runtime.idle();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const run = (pipeline: string) => finished.find((record) => record.pipeline === pipeline);
    // The service wrote QPO_ECL: its step succeeded, and QPO_FIT (which needs QPO_ECL) ran after it.
    expect(run('QPO_ECL')).toMatchObject({ status: 'SUCCEEDED', input: { key: 'obs-7' } });
    expect(run('QPO_FIT')).toMatchObject({ status: 'SUCCEEDED', input: { key: 'obs-7' } });
    expect(run('GRB_LC')).toMatchObject({ status: 'FAILED', error: { error: 'Mission.NoSignal', cause: 'no QPO in obs-7' } });
    // A 4xx refusal is permanent: one attempt, whatever the retry policy.
    expect(run('MXT_SRC')).toMatchObject({ status: 'FAILED', error: { error: 'Orchestra.Permanent' }, steps: { produce: { attempts: 1 } } });
    expect(run('MXT_SRC')?.error?.cause).toMatch(/HTTP 400.*unknown product.*refused the work/);

    // The service got the mission's body: the product, the observation id, the manifest of inputs and where to call back.
    expect(writesProduct.received).toEqual([
      {
        product: 'QPO_ECL',
        obs_id: 'obs-7',
        inputs: {
          EclTmVhfAlert: [{ key: 'data/EclTmVhfAlert/obs-7/alert.fits', etag: expect.any(String) }],
          EclHk: [{ key: 'data/EclHk/obs-7/hk.fits', etag: expect.any(String) }],
        },
        callbackUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/callbacks\/[A-Za-z0-9_-]{43}$/),
      },
    ]);
    // Answered waits are gone; a second answer to one is refused, naming why.
    const waits = await runtime.s3.client.send(new ListObjectsV2Command({ Bucket: runtime.s3.bucket, Prefix: 'waits/' }));
    expect(waits.Contents ?? []).toEqual([]);
    const late = await callBack(callsBackSuccess.received[0]?.callbackUrl ?? '', { status: 'succeeded' });
    expect(late.status).toBe(404);
    expect(await late.json()).toMatchObject({ message: expect.stringContaining('answered already'), field: 'callbackId' });
  }, 60_000);

  it('refuses a malformed or oversized callback with the field to fix, and callback ids it never sent', async () => {
    const bad = await callBack(`${writesProduct.received[0]?.callbackUrl ?? ''}`, { status: 'done' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'body.status', message: expect.stringContaining('"succeeded", "failed" or "running"') });
    const oversized = await callBack(`${writesProduct.received[0]?.callbackUrl ?? ''}`, { status: 'succeeded', output: { blob: 'x'.repeat(2000) } });
    expect(oversized.status).toBe(400);
    expect(await oversized.json()).toMatchObject({ field: 'body.output', message: expect.stringContaining('write the product to the data bucket and send its key') });
    const base = (writesProduct.received[0]?.callbackUrl ?? '').replace(/[^/]+$/, '');
    for (const id of ['__proto__', 'constructor', 'x'.repeat(43).replace(/x/g, '.')]) expect((await callBack(`${base}${id}`, { status: 'succeeded' })).status).toBe(404);
  });
});
