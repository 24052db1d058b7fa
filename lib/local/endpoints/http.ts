/** The local HTTP servers' shared plumbing (Step Functions endpoint, runs API): bounded bodies, listening on loopback. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { OrchestraError } from '../../shared/errors';

export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

/** API Gateway's own cap on a request payload: the local servers in front of the runs API keep it. */
export const MAX_API_BODY_BYTES = 10 * 1024 * 1024;

/** An answer with a body. */
export function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** A refusal or failure as the runs API words them: `{"message": …}`. */
export const sendMessage = (response: ServerResponse, status: number, message: string): void =>
  send(response, status, { 'content-type': 'application/json' }, JSON.stringify({ message }));

/** The request body as text, or undefined once it exceeds `maxBytes` (the rest is not buffered). */
export async function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Listens on 127.0.0.1 (`port` 0: any free port); a port in use is a clear error naming the option to change. */
export async function listenLocal(server: Server, port: number, what: string): Promise<LocalServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new OrchestraError('port-in-use', `${what}: port ${port} is in use — stop what uses it or choose another port`, { cause: error }) : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new OrchestraError('port-in-use', `${what}: the server has no TCP port`);
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
