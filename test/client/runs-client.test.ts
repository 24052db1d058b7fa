/** The typed runs client (lib/client): requests built from the route table, answers read through their schemas, refusals and absences named. */
import { describe, expect, it } from 'vitest';
import { createRunsClient, RunsApiError, RunsApiUnreachable } from '../../lib/client/runs-client';
import { signedTransport } from '../../lib/client/sigv4-transport';
import type { HttpAnswer, HttpRequest, Transport } from '../../lib/client/transport';

const answering = (status: number, body: unknown, headers: Record<string, string> = {}) => {
  const sent: HttpRequest[] = [];
  const transport: Transport = async (request): Promise<HttpAnswer> => {
    sent.push(request);
    return { status, headers: new Headers(headers), body: typeof body === 'string' ? body : JSON.stringify(body) };
  };
  return { sent, client: createRunsClient({ baseUrl: 'http://127.0.0.1:4570/', transport }) };
};

describe('runs client', () => {
  it('starts a run: path encoded, body as JSON, Idempotency-Key sent, the answer typed and its Location kept', async () => {
    const { sent, client } = answering(
      202,
      { pipeline: 'flood map', runId: 'r1', executionArn: 'arn:x', startedAt: '2026-12-07T00:00:00.000Z' },
      { location: '/pipelines/flood%20map/runs/r1' },
    );

    const answer = await client.startRun({ pipeline: 'flood map', body: { input: { prefix: 'ingest/flood/a/' } }, headers: { 'Idempotency-Key': 'k1' } });

    expect(answer).toEqual({
      status: 202,
      body: { pipeline: 'flood map', runId: 'r1', executionArn: 'arn:x', startedAt: '2026-12-07T00:00:00.000Z' },
      location: '/pipelines/flood%20map/runs/r1',
    });
    expect(sent).toEqual([
      {
        method: 'POST',
        url: 'http://127.0.0.1:4570/pipelines/flood%20map/runs',
        headers: { 'Idempotency-Key': 'k1', 'content-type': 'application/json' },
        body: '{"input":{"prefix":"ingest/flood/a/"}}',
      },
    ]);
  });

  it('sends the query of a list and reads the page', async () => {
    const { sent, client } = answering(200, { runs: [{ pipeline: 'p', runId: 'r', status: 'RUNNING', startedAt: 't' }], nextToken: 'n' });

    const { body } = await client.listRunsEverywhere({ query: { status: 'FAILED', limit: '5' } });

    expect(body.runs[0]?.runId).toBe('r');
    expect(body.nextToken).toBe('n');
    expect(sent[0]?.url).toBe('http://127.0.0.1:4570/runs?status=FAILED&limit=5');
  });

  it("throws the API's refusal with its status, its own message and the field to fix", async () => {
    const { client } = answering(400, { message: 'body.runId: 1-80 letters, digits, "-" or "_"', field: 'body.runId' });

    const refusal = await client.startRun({ pipeline: 'p', body: { runId: 'no spaces' } }).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(RunsApiError);
    expect(refusal).toMatchObject({ status: 400, reason: 'body.runId: 1-80 letters, digits, "-" or "_"', field: 'body.runId', request: 'POST /pipelines/p/runs' });
    expect(String(refusal)).toContain('POST /pipelines/p/runs: body.runId');
  });

  it('refuses an answer that does not fit its schema, or a status its route does not give, naming what', async () => {
    await expect(answering(200, { pipelines: [{ name: 1 }] }).client.listPipelines()).rejects.toThrow(
      /GET \/pipelines: the answer does not fit its schema: .*pipelines\[0\]\.name/s,
    );
    await expect(answering(204, '').client.listPipelines()).rejects.toThrow('answered 204, which this client (its route table) does not know');
  });

  it('says the API cannot be reached, and where it was looked for', async () => {
    const client = createRunsClient({
      baseUrl: 'http://127.0.0.1:9',
      transport: async () => {
        throw new TypeError('fetch failed');
      },
    });

    const failure = await client.listPipelines().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RunsApiUnreachable);
    expect(String(failure)).toContain('cannot reach the runs API at http://127.0.0.1:9 (fetch failed)');
  });

  it('signs through its transport: the signer sees the host, path and query the request goes to', async () => {
    const seen: unknown[] = [];
    const { sent, client: base } = answering(200, { pipelines: [] });
    const signer = {
      sign: async (request: { hostname: string; path: string; query: Record<string, string>; headers: Record<string, string> }) => {
        seen.push({ hostname: request.hostname, path: request.path, query: request.query });
        return { headers: { ...request.headers, authorization: 'AWS4-HMAC-SHA256 signed' } };
      },
    };
    const transport = signedTransport(signer, async (request) => {
      sent.push(request);
      return { status: 200, headers: new Headers(), body: '{"runs": []}' };
    });

    await createRunsClient({ baseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1', transport }).listRuns({ pipeline: 'p', query: { status: 'FAILED' } });

    expect(base.baseUrl).toBe('http://127.0.0.1:4570');
    expect(seen).toEqual([{ hostname: 'abc.execute-api.eu-west-1.amazonaws.com', path: '/v1/pipelines/p/runs', query: { status: 'FAILED' } }]);
    expect(sent.at(-1)?.headers).toMatchObject({ host: 'abc.execute-api.eu-west-1.amazonaws.com', authorization: 'AWS4-HMAC-SHA256 signed' });
  });
});
