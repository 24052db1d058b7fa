/**
 * How the typed runs client sends a request: a transport turns one HTTP request into its answer. The
 * fetch transport serves the browser and the local `orchestra up`; the SigV4 one (./sigv4-transport.ts)
 * signs for a deployed stack's API Gateway. Kept apart so the console's bundle holds no AWS signer.
 */
export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: string;
}

export type Transport = (request: HttpRequest) => Promise<HttpAnswer>;

/** Plain fetch (the browser's, or Node's). */
export const fetchTransport: Transport = async ({ method, url, headers, body }) => {
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, headers: response.headers, body: await response.text() };
};
