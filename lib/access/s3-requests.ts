/**
 * Which IAM actions on which resources an S3 REST request needs, as AWS documents per operation
 * ("Required permissions for Amazon S3 API operations"): a GetObject needs s3:GetObject on the
 * object's ARN, a ListObjectsV2 s3:ListBucket on the bucket with its `s3:prefix`, a CopyObject
 * s3:GetObject on the source beside s3:PutObject on the target, a multipart upload s3:PutObject for
 * every part. A request this table does not know is refused for a step's role rather than guessed.
 */
import type { AuthorizationRequest } from './evaluate';

export interface S3Request {
  readonly method: string;
  readonly bucket: string;
  /** The object key, decoded; undefined for a bucket-level request. */
  readonly key: string | undefined;
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The keys a DeleteObjects request names (from its XML body). */
  readonly deletedKeys?: readonly string[];
}

export type S3Authorization = { readonly requests: readonly AuthorizationRequest[] } | { readonly unsupported: string };

export const objectArn = (bucket: string, key: string): string => `arn:aws:s3:::${bucket}/${key}`;
export const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;

/** The source object of `x-amz-copy-source` ("bucket/key" or "/bucket/key", URL-encoded, maybe with ?versionId); 'unreadable' when it names none. */
function copySourceOf(header: string): { bucket: string; key: string } | 'unreadable' {
  let path: string;
  try {
    path = decodeURIComponent(header.replace(/^\//, '').split('?')[0] ?? '');
  } catch {
    return 'unreadable';
  }
  const slash = path.indexOf('/');
  return slash <= 0 ? 'unreadable' : { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

function bucketRequests(request: S3Request): S3Authorization {
  const { method, query } = request;
  const resource = bucketArn(request.bucket);
  const on = (action: string, context?: AuthorizationRequest['context']) => ({ requests: [{ action, resource, ...(context === undefined ? {} : { context }) }] });
  if (method === 'HEAD') return on('s3:ListBucket');
  if (method === 'GET') {
    if (query.has('location')) return on('s3:GetBucketLocation');
    if (query.has('uploads')) return on('s3:ListBucketMultipartUploads');
    if (query.has('versions')) return on('s3:ListBucketVersions');
    const subresource = [...query.keys()].find(
      (name) => !['list-type', 'prefix', 'delimiter', 'max-keys', 'continuation-token', 'start-after', 'marker', 'encoding-type', 'fetch-owner'].includes(name),
    );
    if (subresource !== undefined) return { unsupported: `GET ?${subresource} on the bucket` };
    const context: Record<string, string> = {};
    for (const [name, key] of [
      ['prefix', 's3:prefix'],
      ['delimiter', 's3:delimiter'],
      ['max-keys', 's3:max-keys'],
    ] as const) {
      const value = query.get(name);
      if (value !== null) context[key] = value;
    }
    return on('s3:ListBucket', context);
  }
  if (method === 'POST' && query.has('delete'))
    return { requests: (request.deletedKeys ?? []).map((key) => ({ action: 's3:DeleteObject', resource: objectArn(request.bucket, key) })) };
  return { unsupported: `${method} on the bucket` };
}

function objectRequests(request: S3Request, key: string): S3Authorization {
  const { method, query, headers } = request;
  const resource = objectArn(request.bucket, key);
  const on = (...actions: string[]) => actions.map((action) => ({ action, resource }));
  const versioned = query.has('versionId');
  if (method === 'GET' || method === 'HEAD') {
    if (query.has('uploadId')) return { requests: on('s3:ListMultipartUploadParts') };
    if (query.has('tagging')) return { requests: on(versioned ? 's3:GetObjectVersionTagging' : 's3:GetObjectTagging') };
    if (query.has('attributes')) return { requests: on(versioned ? 's3:GetObjectVersionAttributes' : 's3:GetObjectAttributes') };
    if (query.has('acl')) return { requests: on(versioned ? 's3:GetObjectVersionAcl' : 's3:GetObjectAcl') };
    return { requests: on(versioned ? 's3:GetObjectVersion' : 's3:GetObject') };
  }
  if (method === 'PUT') {
    if (query.has('tagging')) return { requests: on('s3:PutObjectTagging') };
    if (query.has('acl')) return { requests: on('s3:PutObjectAcl') };
    // PutObject, UploadPart, CopyObject, UploadPartCopy: the target; a copy also reads its source; tags set on upload need their own action.
    const header = headers['x-amz-copy-source'];
    const source = header === undefined || header === '' ? undefined : copySourceOf(header);
    if (source === 'unreadable') return { unsupported: `a copy from "${header}", which names no object` };
    return {
      requests: [
        ...on('s3:PutObject'),
        ...(headers['x-amz-tagging'] === undefined ? [] : on('s3:PutObjectTagging')),
        ...(source === undefined ? [] : [{ action: 's3:GetObject', resource: objectArn(source.bucket, source.key) }]),
      ],
    };
  }
  if (method === 'POST') {
    if (query.has('uploads') || query.has('uploadId')) return { requests: on('s3:PutObject') };
    if (query.has('restore')) return { requests: on('s3:RestoreObject') };
    if (query.has('select')) return { requests: on('s3:GetObject') };
    return { unsupported: 'POST on an object' };
  }
  if (method === 'DELETE') {
    if (query.has('uploadId')) return { requests: on('s3:AbortMultipartUpload') };
    if (query.has('tagging')) return { requests: on(versioned ? 's3:DeleteObjectVersionTagging' : 's3:DeleteObjectTagging') };
    return { requests: on(versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject') };
  }
  return { unsupported: `${method} on an object` };
}

/** What `request` needs to be allowed, call by call. */
export function s3AuthorizationOf(request: S3Request): S3Authorization {
  return request.key === undefined || request.key === '' ? bucketRequests(request) : objectRequests(request, request.key);
}
