/**
 * Checks AWS Signature Version 4 on requests to the local endpoints, as S3 and Step Functions do, with
 * the data folder's own secret: without it, any process or web page could use them (s3rver checks
 * the key id only). Header-signed requests (any payload form: a hash, UNSIGNED-PAYLOAD, aws-chunked's
 * seed signature) and presigned URLs are recomputed with the signer the SDK itself uses and compared.
 * Hand-written rather than a library's: no maintained package verifies SigV4 on the server side.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCredentials } from '../../runtime/local-endpoints';

export interface ReceivedRequest {
  readonly method: string;
  /** The request target as received: path and query, still encoded. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body, for services whose signature covers it without an x-amz-content-sha256 header (Step Functions). */
  readonly body?: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const dateOf = (text: string): Date | undefined => {
  const m = AMZ_DATE.exec(text);
  return m === null ? undefined : new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
};

const headerText = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
};

function queryOf(search: URLSearchParams, drop: (name: string) => boolean): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of search) {
    if (drop(name)) continue;
    const before = query[name];
    query[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return query;
}

/** The access key id a request says it was signed with (header or presigned URL), before any check. */
function accessKeyIdOf(request: Pick<ReceivedRequest, 'url' | 'headers'>): string | undefined {
  const fromHeader = AUTHORIZATION.exec(headerText(request.headers, 'authorization'))?.[1];
  if (fromHeader !== undefined) return fromHeader;
  const queryAt = request.url.indexOf('?');
  const credential = queryAt === -1 ? null : new URLSearchParams(request.url.slice(queryAt + 1)).get('X-Amz-Credential');
  return credential === null ? undefined : credential.split('/')[0];
}

/**
 * The key pair a request must be verified with: a step role's, when it names a key the runtime issued
 * (`issued` says which), else the data folder's own.
 */
export function signerOf(
  request: Pick<ReceivedRequest, 'url' | 'headers'>,
  own: LocalCredentials,
  issuedSecretOf: (accessKeyId: string) => string | undefined,
): { readonly signer: LocalCredentials; readonly issued: boolean } {
  const keyId = accessKeyIdOf(request);
  const secret = keyId === undefined || keyId === own.accessKeyId ? undefined : issuedSecretOf(keyId);
  return keyId !== undefined && secret !== undefined ? { signer: { accessKeyId: keyId, secretAccessKey: secret }, issued: true } : { signer: own, issued: false };
}

/** Why the request's signature is not valid for `credentials` and `service`, or undefined when it is. */
export async function signatureProblem(request: ReceivedRequest, credentials: LocalCredentials, service: 's3' | 'states', now = new Date()): Promise<string | undefined> {
  // The path exactly as sent: WHATWG URL parsing would resolve "." and ".." segments, which S3 keys may hold.
  const queryAt = request.url.indexOf('?');
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const url = { searchParams: new URLSearchParams(queryAt === -1 ? '' : request.url.slice(queryAt + 1)) };
  const host = headerText(request.headers, 'host');
  const base = { method: request.method, protocol: 'http:', hostname: host.replace(/:\d+$/, ''), path };
  const signer = (region: string) => new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: service !== 's3', applyChecksum: false });

  if (url.searchParams.has('X-Amz-Signature')) {
    const [accessKeyId, day, region, scopeService] = (url.searchParams.get('X-Amz-Credential') ?? '').split('/');
    if (accessKeyId !== credentials.accessKeyId) return "the presigned URL was signed with another key: sign with the data folder's credentials";
    const signingDate = dateOf(url.searchParams.get('X-Amz-Date') ?? '');
    const expiresIn = Number(url.searchParams.get('X-Amz-Expires'));
    if (signingDate === undefined || !Number.isSafeInteger(expiresIn) || scopeService !== service || region === undefined || day === undefined) return 'a malformed presigned URL';
    if (now.getTime() > signingDate.getTime() + expiresIn * 1000) return 'the presigned URL has expired: list the outputs again for a fresh one';
    // The canonical request of a presigned URL: every query parameter but the signature (the ones the
    // presigner hoisted included), the signed headers, and S3's UNSIGNED-PAYLOAD.
    const signedHeaders = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    const headers = Object.fromEntries(signedHeaders.map((name) => [name, headerText(request.headers, name)]));
    const expected = await signatureOf(
      signer(region),
      { ...base, query: queryOf(url.searchParams, (name) => name === 'X-Amz-Signature'), headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      signingDate,
      signedHeaders,
    );
    return expected === url.searchParams.get('X-Amz-Signature') ? undefined : "the presigned URL's signature does not match: it was altered, or signed with another secret";
  }

  const authorization = AUTHORIZATION.exec(headerText(request.headers, 'authorization'));
  if (authorization === null) return "the request is not signed (AWS Signature Version 4): use an SDK or the AWS CLI with the data folder's credentials";
  const [, accessKeyId, , region = '', scopeService, signedList = '', signature] = authorization;
  if (accessKeyId !== credentials.accessKeyId) return "the request was signed with another access key: use the data folder's credentials";
  if (scopeService !== service) return `the request was signed for ${scopeService}, not ${service}`;
  const signingDate = dateOf(headerText(request.headers, 'x-amz-date'));
  if (signingDate === undefined) return 'the signed request has no valid X-Amz-Date';
  const signedHeaders = signedList.split(';');
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, headerText(request.headers, name)]));
  // The signature covers the body through its hash header (the SDK sends one to every service): the body must match it.
  const declared = headerText(request.headers, 'x-amz-content-sha256');
  if (request.body !== undefined && /^[0-9a-f]{64}$/.test(declared) && createHash('sha256').update(request.body).digest('hex') !== declared)
    return 'the body does not match its signed hash';
  const expected = await signatureOf(
    signer(region),
    { ...base, query: queryOf(url.searchParams, () => false), headers, ...(request.body === undefined ? {} : { body: request.body }) },
    signingDate,
    signedHeaders,
  );
  return expected === signature ? undefined : 'the signature does not match: the request was altered, or signed with another secret';
}

/** The signature of a canonical request made of exactly `signedHeaders` (the signer adds X-Amz-Date, unsigned unless listed). */
async function signatureOf(signer: SignatureV4, request: Parameters<SignatureV4['sign']>[0], signingDate: Date, signedHeaders: readonly string[]): Promise<string | undefined> {
  const signed = await signer.sign(request, { signingDate, signableHeaders: new Set(signedHeaders), unsignableHeaders: new Set(['x-amz-date', 'x-amz-content-sha256']) });
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization'] ?? ''))?.[1];
}
