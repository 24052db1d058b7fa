/**
 * `orchestra console --stack <name> | --api <url>`: the web console on 127.0.0.1, against a deployed
 * runs API. The page calls this server with relative URLs, as it calls `orchestra up`; this server
 * passes each call on, signed with the user's AWS credentials (RunsApiClient), so no credential ever
 * reaches the browser. The deployed API has no event stream: the page polls it.
 */
import { createServer } from 'node:http';
import { consoleFile, sendConsoleFile } from '../local/endpoints/console-files';
import { type LocalServer, listenLocal, MAX_API_BODY_BYTES, readRequestBody, send, sendMessage } from '../local/endpoints/http';
import { foreignRequestReason } from '../local/endpoints/loopback-guard';
import { messageOf } from '../shared/errors';
import type { RunsApiClient } from './runs-api-client';

/** Request headers the API reads; the browser's others (cookies, its user agent's) stay here. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'idempotency-key', 'accept'];
/** Answer headers the page reads. */
const FORWARDED_ANSWER_HEADERS = ['content-type', 'location'];

export interface ConsoleServerOptions {
  readonly client: RunsApiClient;
  /** The built console (console/dist). */
  readonly consoleDir: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Where failures to reach the API are reported. */
  readonly onError?: (error: unknown) => void;
}

export async function serveConsole(options: ConsoleServerOptions): Promise<LocalServer> {
  const server = createServer((request, response) => {
    // This server signs what it passes on: a foreign page must not reach it (lib/local/endpoints/loopback-guard.ts).
    const refused = foreignRequestReason(request);
    if (refused !== undefined) {
      request.resume();
      return sendMessage(response, 403, refused);
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const page = request.method === 'GET' ? consoleFile(options.consoleDir, url.pathname) : undefined;
    if (page !== undefined) {
      request.resume();
      return sendConsoleFile(response, page);
    }
    if (url.pathname.startsWith('/events')) {
      // API Gateway REST answers once: no stream to pass on, and a proxy must not hold one open.
      request.resume();
      return sendMessage(response, 404, 'no event stream from a deployed runs API: the console polls it');
    }
    void (async () => {
      const body = await readRequestBody(request, MAX_API_BODY_BYTES);
      if (body === undefined) return sendMessage(response, 413, `body: over ${MAX_API_BODY_BYTES} bytes`);
      const headers = Object.fromEntries(FORWARDED_REQUEST_HEADERS.flatMap((name) => (typeof request.headers[name] === 'string' ? [[name, request.headers[name]]] : [])));
      const answer = await options.client.forward(request.method ?? 'GET', `${url.pathname}${url.search}`, body === '' ? undefined : body, headers);
      const passed = Object.fromEntries(
        FORWARDED_ANSWER_HEADERS.flatMap((name) => {
          const value = answer.headers.get(name);
          return value === null ? [] : [[name, value]];
        }),
      );
      send(response, answer.status, passed, answer.body);
    })().catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) sendMessage(response, 502, messageOf(error));
    });
  });
  return listenLocal(server, options.port ?? 0, 'console');
}
