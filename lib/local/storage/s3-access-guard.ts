/**
 * Koa middleware of the embedded S3, after the signature check: a request signed with a step role's
 * key is evaluated against that role's deployed statements and refused with S3's AccessDenied when
 * AWS would refuse it. The data folder's own key (the CLI, the console, Orchestra's triggers) passes.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { S3Request } from '../../access/s3-requests';
import { ISSUED_KEY_STATE, s3Error } from './s3rver-guards';

export interface S3AccessPolicy {
  /** AWS's AccessDenied message when the key's role may not make the request; undefined when it may or the key is no step's. */
  s3Denial(accessKeyId: string, request: S3Request): string | undefined;
}

interface GuardedContext {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly state: Readonly<Record<string, unknown>>;
  /** What s3rver reads a body from: replaced by a replay of a DeleteObjects body read here. */
  req: IncomingMessage | NodeJS.ReadableStream;
  status: number;
  body: unknown;
  type: string;
}

const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;

/** The body, or undefined once it is over MAX_DELETE_BODY_BYTES (S3 caps a DeleteObjects at 1,000 keys, far below). */
async function bodyOf(stream: NodeJS.ReadableStream): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_DELETE_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The keys of a DeleteObjects body: <Object><Key>…</Key></Object>, XML-escaped. */
const deletedKeysOf = (xml: string): string[] =>
  [...xml.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((match) =>
    (match[1] ?? '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );

const headerValues = (headers: IncomingMessage['headers']): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]));

export function refuseDenied(policy: S3AccessPolicy) {
  return async (ctx: GuardedContext, next: () => Promise<void>): Promise<void> => {
    // Set by the signature check once a step role's key is verified (s3rver then sees the data folder's key id).
    const keyId = ctx.state[ISSUED_KEY_STATE];
    if (typeof keyId !== 'string') return next();
    const [, bucket = '', ...keyParts] = ctx.path.split('/');
    let key: string;
    try {
      key = decodeURIComponent(keyParts.join('/'));
    } catch {
      return next();
    }
    const queryAt = ctx.url.indexOf('?');
    const query = new URLSearchParams(queryAt === -1 ? '' : ctx.url.slice(queryAt + 1));
    let deletedKeys: string[] | undefined;
    if (ctx.method === 'POST' && query.has('delete') && key === '') {
      // S3 decides a DeleteObjects key by key; the keys are in the body, which s3rver then reads from a replay.
      const body = await bodyOf(ctx.req);
      if (body === undefined) {
        ctx.status = 400;
        ctx.type = 'application/xml';
        ctx.body = s3Error('MalformedXML', `a DeleteObjects request of over ${MAX_DELETE_BODY_BYTES} bytes: S3 deletes at most 1,000 keys per request — send fewer`);
        return;
      }
      deletedKeys = deletedKeysOf(body.toString('utf8'));
      ctx.req = Readable.from([body]);
    }
    const denial = policy.s3Denial(keyId, {
      method: ctx.method,
      bucket: decodeURIComponent(bucket),
      key: key === '' ? undefined : key,
      query,
      headers: headerValues(ctx.headers),
      ...(deletedKeys === undefined ? {} : { deletedKeys }),
    });
    if (denial === undefined) return next();
    ctx.status = 403;
    ctx.type = 'application/xml';
    ctx.body = s3Error('AccessDenied', denial);
  };
}
