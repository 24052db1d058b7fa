/** The CLI's runs API client signs requests to API Gateway with SigV4 from the standard credential chain, and nothing else. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunsApiClient } from '../../lib/cli/runs-api-client';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

function capture(): Array<{ url: string; headers: Record<string, string> }> {
  const sent: Array<{ url: string; headers: Record<string, string> }> = [];
  vi.stubGlobal('fetch', async (url: URL, init: { headers: Record<string, string> }) => {
    sent.push({ url: url.toString(), headers: init.headers });
    return new Response(JSON.stringify({ pipelines: [] }), { status: 200 });
  });
  return sent;
}

describe('runs API client', () => {
  it('signs requests to an execute-api URL for its region with the credentials in the environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_PROFILE', '');
    const sent = capture();
    const client = await RunsApiClient.connect({ api: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/' }, '/nowhere');

    await client.api.listPipelines();

    expect(sent[0]?.url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pipelines');
    expect(sent[0]?.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('sends requests to other URLs (the local server) unsigned', async () => {
    const sent = capture();
    const client = await RunsApiClient.connect({ api: 'http://127.0.0.1:4570' }, '/nowhere');

    await client.api.listPipelines();

    expect(sent[0]?.headers['authorization']).toBeUndefined();
  });
});
