/**
 * Requests to a deployed runs API, signed with AWS Signature Version 4 for API Gateway's IAM
 * authorisation (service `execute-api`), by default with the standard credential chain (environment,
 * profile, SSO, instance role) as the AWS CLI finds them.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { fetchTransport, type Transport } from './transport';

/** What signs a request: a SignatureV4, or anything with its `sign`. */
export interface RequestSigner {
  sign(request: {
    method: string;
    protocol: string;
    hostname: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body?: string;
  }): Promise<{ headers: Record<string, string> }>;
}

/** Credentials as SignatureV4 takes them: fixed keys, or a provider such as the standard chain. */
export type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

const EXECUTE_API_HOST = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/;

/** The region of an API Gateway URL (`https://abc.execute-api.eu-west-1.amazonaws.com/v1`), or undefined for another URL. */
export const executeApiRegionOf = (url: string): string | undefined => EXECUTE_API_HOST.exec(new URL(url).hostname)?.[1];

export const executeApiSigner = (region: string, credentials: Credentials = defaultProvider()): RequestSigner =>
  new SignatureV4({ credentials, region, service: 'execute-api', sha256: Sha256 });

/** Each request signed by `signer`, then sent by `base` (fetch). */
export function signedTransport(signer: RequestSigner, base: Transport = fetchTransport): Transport {
  return async (request) => {
    const url = new URL(request.url);
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return base({ ...request, headers: signed.headers });
  };
}

/** Signed for the API Gateway of `region` with the given credentials (default: the standard chain). */
export const sigV4Transport = (options: { readonly region: string; readonly credentials?: Credentials }): Transport =>
  signedTransport(executeApiSigner(options.region, options.credentials));
