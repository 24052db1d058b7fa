/** The embedded S3's IAM guard (lib/local/storage/s3-access-guard.ts) on what a step role's DeleteObjects sends. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { S3Request } from '../../lib/access/s3-requests';
import { refuseDenied } from '../../lib/local/storage/s3-access-guard';
import { ISSUED_KEY_STATE } from '../../lib/local/storage/s3rver-guards';

const seen: S3Request[] = [];
const guard = refuseDenied({
  s3Denial: (_key, request) => {
    seen.push(request);
    return request.deletedKeys?.some((key) => key.startsWith('private/')) ? 'User: … is not authorized to perform: s3:DeleteObject' : undefined;
  },
});
const deleteContext = (body: Buffer | string) => ({
  method: 'POST',
  url: '/orchestra-data?delete',
  path: '/orchestra-data',
  headers: {},
  state: { [ISSUED_KEY_STATE]: 'ASIATEST' },
  req: Readable.from([body]),
  status: 200,
  body: undefined as unknown,
  type: '',
});
const xml = (...keys: string[]) => `<Delete>${keys.map((key) => `<Object><Key>${key}</Key></Object>`).join('')}</Delete>`;

describe("a step role's DeleteObjects", () => {
  it('is decided key by key from its body, which s3rver then reads unchanged', async () => {
    const ctx = deleteContext(xml('runs/p/1/a', 'runs/p/1/b&amp;c'));
    let passed = false;
    await guard(ctx, async () => {
      passed = true;
    });
    expect(passed).toBe(true);
    expect(seen.at(-1)?.deletedKeys).toEqual(['runs/p/1/a', 'runs/p/1/b&c']);
    const replay: Buffer[] = [];
    for await (const chunk of ctx.req) replay.push(Buffer.from(chunk));
    expect(Buffer.concat(replay).toString()).toBe(xml('runs/p/1/a', 'runs/p/1/b&amp;c'));
  });

  it('is refused whole with AccessDenied when one key is denied', async () => {
    const ctx = deleteContext(xml('runs/p/1/a', 'private/x'));
    await guard(ctx, async () => undefined);
    expect(ctx.status).toBe(403);
    expect(String(ctx.body)).toContain('<Code>AccessDenied</Code>');
  });

  it('is refused with MalformedXML, not a crash, when its body is over 2 MiB', async () => {
    const ctx = deleteContext(Buffer.alloc(3 * 1024 * 1024, 'a'));
    await guard(ctx, async () => undefined);
    expect(ctx.status).toBe(400);
    expect(String(ctx.body)).toContain('<Code>MalformedXML</Code>');
  });
});
