/**
 * Guards in front of s3rver 3.7.1 (the embedded S3), which is unmaintained, for two defects:
 *
 * 1. It joins raw keys into file paths, so a key with `..` segments (`a/../../x`) or empty
 *    segments (`a//b`) writes outside its bucket or onto another key. S3 treats these as ordinary
 *    characters. Its key encoding (FilesystemStore.encodeKeyPath/decodeKeyPath, used for every
 *    read, write and listing) is replaced by a reversible one that escapes `&`, the leading dots of
 *    a segment and empty segments. The encoding works left to right, so an encoded prefix is a
 *    prefix of every encoded key that starts with it, as s3rver's listing needs.
 * 2. It stores `aws-chunked` uploads (what @aws-sdk/client-s3 sends for stream bodies, and the
 *    AWS CLI v2) with their chunk framing inside the object. A middleware placed first decodes the
 *    body before s3rver reads it; the signature is still checked on the original headers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import FilesystemStore from 's3rver/lib/stores/filesystem.js';
import type { LocalCredentials } from '../../runtime/local-endpoints';
import { parseJsonObject } from '../../shared/json';
import { foreignRequestReason } from '../endpoints/loopback-guard';
import { signatureProblem, signerOf } from '../endpoints/signature-check';

const ESCAPE = '&';
const hex = (char: string): string => `${ESCAPE}${Buffer.from(char, 'utf8').toString('hex')}`;

/** Key → relative file path, with no `.`/`..` or empty segments and `&` escaped. */
export function encodeKeyPath(key: string): string {
  let out = '';
  let atSegmentStart: boolean = true;
  let inLeadingDots: boolean = false;
  for (const char of key) {
    const leadingDot: boolean = char === '.' && (atSegmentStart || inLeadingDots);
    const emptySegment: boolean = char === '/' && atSegmentStart;
    out += char === ESCAPE || leadingDot || emptySegment ? hex(char) : char;
    inLeadingDots = leadingDot;
    atSegmentStart = char === '/' && !emptySegment;
  }
  return out;
}

export const decodeKeyPath = (path: string): string => path.replace(/&([0-9a-f]{2})/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 16)));

let installed = false;

/** Replaces s3rver's key encoding (once per process: it is a static of s3rver's store class). */
export function guardS3rverKeys(): void {
  if (installed) return;
  FilesystemStore.encodeKeyPath = encodeKeyPath;
  FilesystemStore.decodeKeyPath = decodeKeyPath;
  installed = true;
}

/**
 * Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` repeated, a
 * zero-size chunk, then optional trailers (e.g. `x-amz-checksum-crc32:…`) and an empty line. Written
 * here because no maintained package decodes it; it streams, holding at most one chunk header.
 */
export class AwsChunkedDecoder extends Transform {
  private buffer = Buffer.alloc(0);
  private remaining = 0;
  private state: 'size' | 'data' | 'data-end' | 'trailers' | 'done' = 'size';
  /** Decoded bytes so far. */
  decodedLength = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    try {
      this.consume();
      done();
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
    }
  }

  override _flush(done: TransformCallback): void {
    done(this.state === 'done' || (this.state === 'trailers' && this.buffer.length === 0) ? null : new Error('aws-chunked body ended before its final chunk'));
  }

  private line(): string | undefined {
    const end = this.buffer.indexOf('\r\n');
    if (end === -1) {
      if (this.buffer.length > 4096) throw new Error('aws-chunked: a chunk header is longer than 4 KiB');
      return undefined;
    }
    const text = this.buffer.subarray(0, end).toString('latin1');
    this.buffer = this.buffer.subarray(end + 2);
    return text;
  }

  private consume(): void {
    for (;;) {
      if (this.state === 'size') {
        const header = this.line();
        if (header === undefined) return;
        const size = Number.parseInt(header.split(';')[0] ?? '', 16);
        if (!Number.isSafeInteger(size) || size < 0) throw new Error(`aws-chunked: bad chunk size "${header.slice(0, 40)}"`);
        this.remaining = size;
        this.state = size === 0 ? 'trailers' : 'data';
      } else if (this.state === 'data') {
        if (this.buffer.length === 0) return;
        const take = this.buffer.subarray(0, this.remaining);
        this.buffer = this.buffer.subarray(take.length);
        this.remaining -= take.length;
        this.decodedLength += take.length;
        this.push(take);
        if (this.remaining > 0) return;
        this.state = 'data-end';
      } else if (this.state === 'data-end') {
        const rest = this.line();
        if (rest === undefined) return;
        if (rest !== '') throw new Error('aws-chunked: a chunk is longer than its declared size');
        this.state = 'size';
      } else if (this.state === 'trailers') {
        const trailer = this.line();
        if (trailer === undefined) return;
        if (trailer === '') this.state = 'done';
      } else {
        this.buffer = Buffer.alloc(0);
        return;
      }
    }
  }
}

/** The parts of s3rver's Koa context the guard uses. */
interface KoaContext {
  /** The body s3rver reads. Koa's `ctx.request.req` (headers, signature check) stays the original. */
  req: IncomingMessage | NodeJS.ReadableStream;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly method: string;
  readonly status: number;
  readonly query: Readonly<Record<string, unknown>>;
  readonly params?: { readonly bucket?: string; readonly key?: string };
  readonly store?: { getResourcePath(bucket: string, key: string, resource: string): string };
}

const isAwsChunked = (headers: KoaContext['headers']): boolean =>
  String(headers['content-encoding'] ?? '').includes('aws-chunked') || String(headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');

/** Koa middleware: hands s3rver the decoded body of an `aws-chunked` upload. */
export async function decodeAwsChunked(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  if (!isAwsChunked(ctx.headers)) return next();
  const decoder = new AwsChunkedDecoder();
  const original = ctx.req;
  original.pipe(decoder);
  original.on('error', (error: Error) => decoder.destroy(error));
  ctx.req = decoder;
  await next();
  // S3 stores the Content-Encoding without "aws-chunked"; s3rver kept the header as sent (it is signed, so it
  // could not be changed before the signature check).
  const { bucket, key } = ctx.params ?? {};
  if (ctx.method === 'PUT' && ctx.status === 200 && ctx.query['uploadId'] === undefined && bucket !== undefined && key !== undefined && ctx.store !== undefined) {
    dropAwsChunkedEncoding(ctx.store.getResourcePath(bucket, key, 'metadata.json'));
  }
}

function dropAwsChunkedEncoding(metadataFile: string): void {
  const metadata = parseJsonObject(readFileSync(metadataFile, 'utf8'), metadataFile);
  const encodings = String(metadata['content-encoding'] ?? '')
    .split(',')
    .map((encoding) => encoding.trim())
    .filter((encoding) => encoding !== '' && encoding !== 'aws-chunked');
  if (encodings.length > 0) metadata['content-encoding'] = encodings.join(', ');
  else delete metadata['content-encoding'];
  writeFileSync(metadataFile, JSON.stringify(metadata));
}

/** S3's own limit on a key's length (UTF-8 bytes). */
export const MAX_KEY_BYTES = 1024;
/** File names are at most 255 bytes; s3rver appends up to `._S3rver_metadata.json` to each key's last segment. */
export const MAX_KEY_SEGMENT_BYTES = 200;

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const s3Error = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlText(message)}</Message></Error>`;

/** Why the embedded S3 cannot store `key`, as an S3 error; undefined when it can. */
export function unstorableKey(key: string): { readonly code: string; readonly message: string } | undefined {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return { code: 'KeyTooLongError', message: `Your key is too long: ${Buffer.byteLength(key)} bytes, S3 allows ${MAX_KEY_BYTES}` };
  const long = encodeKeyPath(key)
    .split('/')
    .find((segment) => Buffer.byteLength(segment) > MAX_KEY_SEGMENT_BYTES);
  if (long === undefined) return undefined;
  return {
    code: 'InvalidArgument',
    message: `the embedded S3 keeps each part of a key between "/" as a file name, so parts longer than ${MAX_KEY_SEGMENT_BYTES} bytes are refused (S3 itself allows them): shorten "${long.slice(0, 40)}…"`,
  };
}

/** Koa middleware: refuses, as S3 would (or with the embedded store's own limit), keys s3rver cannot store; it answered 500. */
export async function refuseUnstorableKeys(ctx: KoaContext & { readonly path: string; status: number; body: unknown; type: string }, next: () => Promise<void>): Promise<void> {
  const [, , ...keyParts] = ctx.path.split('/');
  let key: string;
  try {
    key = decodeURIComponent(keyParts.join('/'));
  } catch {
    return next();
  }
  const problem = key === '' ? undefined : unstorableKey(key);
  if (problem === undefined) return next();
  ctx.status = 400;
  ctx.type = 'application/xml';
  ctx.body = s3Error(problem.code, problem.message);
}

/** S3's browser upload: a form POST, which any page may send to any site without asking first. */
const isFormPost = (ctx: { readonly method: string; readonly headers: Readonly<Record<string, string | string[] | undefined>> }): boolean =>
  ctx.method === 'POST' &&
  String(ctx.headers['content-type'] ?? '')
    .toLowerCase()
    .startsWith('multipart/form-data');

/**
 * Koa middleware, first of all: refuses what a web page could send (another Host — DNS rebinding —,
 * another site, a form POST) with S3's AccessDenied; SDKs, the AWS CLI and the console's own
 * downloads pass (./loopback-guard.ts).
 */
export async function refuseForeignRequests(
  ctx: { readonly method: string; readonly headers: IncomingMessage['headers']; status: number; body: unknown; type: string },
  next: () => Promise<void>,
): Promise<void> {
  const refused = foreignRequestReason(ctx) ?? (isFormPost(ctx) ? 'browser form uploads (POST Object) are refused: upload with an SDK or the AWS CLI' : undefined);
  if (refused === undefined) return next();
  ctx.status = 403;
  ctx.type = 'application/xml';
  ctx.body = s3Error('AccessDenied', refused);
}

/**
 * Koa middleware: refuses a request not signed with the data folder's key pair or a key the runtime
 * issued to a step role (SigV4 in a header or a presigned URL), as S3 does with AccessDenied /
 * SignatureDoesNotMatch. s3rver itself checks only the key id, and that one is a published constant;
 * so a step role's key, once verified, is handed on to s3rver as the data folder's key id.
 */
export function refuseUnsigned(credentials: LocalCredentials, issuedSecretOf: (accessKeyId: string) => string | undefined = () => undefined) {
  return async (
    ctx: {
      readonly method: string;
      url: string;
      readonly state: Record<string, unknown>;
      readonly headers: IncomingMessage['headers'];
      status: number;
      body: unknown;
      type: string;
    },
    next: () => Promise<void>,
  ): Promise<void> => {
    const { signer, issued } = signerOf(ctx, credentials, issuedSecretOf);
    const problem = await signatureProblem({ method: ctx.method, url: ctx.url, headers: ctx.headers }, signer, 's3');
    if (problem === undefined) {
      if (issued) {
        // The guards after this one (./s3-access-guard.ts) decide as this key's role.
        ctx.state[ISSUED_KEY_STATE] = signer.accessKeyId;
        asDataFolderKey(ctx, signer.accessKeyId, credentials.accessKeyId);
      }
      return next();
    }
    ctx.status = 403;
    ctx.type = 'application/xml';
    ctx.body = s3Error(
      ctx.headers.authorization === undefined && !ctx.url.includes('X-Amz-Signature') ? 'AccessDenied' : 'SignatureDoesNotMatch',
      `${problem} (orchestra up prints them)`,
    );
  };
}

/** Where a verified step role's key id is left for the guards after the signature check. */
export const ISSUED_KEY_STATE = 'orchestraIssuedAccessKeyId';

/** s3rver knows one key id: a verified step key is rewritten to it (the header or presigned query s3rver reads). */
function asDataFolderKey(ctx: { url: string; readonly headers: IncomingMessage['headers'] }, issued: string, own: string): void {
  const authorization = ctx.headers.authorization;
  if (authorization !== undefined) ctx.headers.authorization = authorization.replace(`Credential=${issued}/`, `Credential=${own}/`);
  else ctx.url = ctx.url.replace(`X-Amz-Credential=${issued}`, `X-Amz-Credential=${own}`);
}
