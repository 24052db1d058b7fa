/**
 * The client for deployed stacks, as far as it can be tested without LocalStack or an account: a
 * target that is not there fails with what to do, and execution histories become step outcomes.
 */

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployedStack, DeployedStackError } from '../../lib/deployed/deployed-stack';
import { E2E_ENDPOINT_VARIABLE, e2eTarget } from '../e2e/targets/target';

const ROOT = join(import.meta.dirname, '..', '..');

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('DeployedStack.connect', () => {
  it('says how to start LocalStack and deploy when the endpoint does not answer', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const attempt = DeployedStack.connect({ endpoint });

    await expect(attempt).rejects.toBeInstanceOf(DeployedStackError);
    await expect(attempt).rejects.toThrow(new RegExp(`cannot reach ${endpoint} \\(ECONNREFUSED\\).*docker compose -f localstack/docker-compose.yml up -d.*npm run deploy:local`));
  });

  it('makes the end-to-end suite fail, not skip, when ORCHESTRA_E2E_ENDPOINT cannot be reached', async () => {
    const previous = process.env[E2E_ENDPOINT_VARIABLE];
    process.env[E2E_ENDPOINT_VARIABLE] = `http://127.0.0.1:${await closedPort()}`;
    try {
      await expect(e2eTarget(['state-machines/flood.graph.json'])).rejects.toThrow(/cannot reach/);
    } finally {
      if (previous === undefined) delete process.env[E2E_ENDPOINT_VARIABLE];
      else process.env[E2E_ENDPOINT_VARIABLE] = previous;
    }
  });
});

describe('localstack/smoke.ts', () => {
  it('exits 2 with what to do when LocalStack is not running', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['localstack/smoke.ts', '--endpoint', endpoint], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`smoke: cannot reach ${endpoint} (ECONNREFUSED)`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace for an environment problem
  });
});
