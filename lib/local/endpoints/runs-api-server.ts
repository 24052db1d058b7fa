/**
 * The runs API locally: an HTTP server that turns each request into the API Gateway (REST, proxy)
 * event the deployed function receives and answers with what the function returns. The function is
 * functions/runs-api itself (middy router, body parser, error handler), its Step Functions client on
 * the local endpoint: one implementation of the API on both targets. It also serves the committed
 * OpenAPI document (lib/contract/openapi.ts) at /openapi.json.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createRunsApiHandler } from '../../../functions/runs-api';
import type { RunsApiDependencies } from '../../../functions/runs-api/context';
import { type ActivityEvent, serverSentEvent } from '../../contract/activity';
import { openApiText } from '../../contract/openapi';
import type { PipelineDescription } from '../../contract/pipeline-description';
import { RUN_CHANGES_PATH, type RunChange, runChangeEvent } from '../../contract/run-changes';
import type { RunLogs } from '../../runtime/run-logs';
import { InvariantError, messageOf } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';
import { EventStreams } from '../runs/event-streams';
import { lambdaContext } from '../task-runners/lambda';
import { consoleFile, sendConsoleFile } from './console-files';
import { type LocalServer, listenLocal, MAX_API_BODY_BYTES, readRequestBody, send, sendMessage } from './http';
import { foreignRequestReason } from './loopback-guard';

export type RunsApiServer = LocalServer;

export interface RunsApiServerOptions {
  readonly sfn: SFNClient;
  /** Pipeline name → state machine ARN, as the stack gives the deployed function. */
  readonly pipelines: Readonly<Record<string, string>>;
  /** What the stack bundles into the deployed function. */
  readonly descriptions: Readonly<Record<string, PipelineDescription>>;
  /** Where run logs are read (the run database). */
  readonly logs: RunLogs;
  /** What each step used (the run database). */
  readonly usage?: RunsApiDependencies['usage'];
  /** The embedded S3 and its bucket, for dry runs. */
  readonly data: NonNullable<RunsApiDependencies['data']>;
  /** Activity events to stream at `GET /events` (server-sent events); returns how to stop listening. @default none: 404 */
  readonly activity?: (listener: (event: ActivityEvent) => void) => () => void;
  /** Run changes to stream at `GET /events/runs` (server-sent events) for the console; @default none: 404 */
  readonly runChanges?: (listener: (change: RunChange) => void) => () => void;
  /** The keyed triggers and the run database's key ledger, for `GET /keys/{key}`. */
  readonly keyed?: RunsApiDependencies['keyed'];
  /** Where backfills are worked (the runtime's conductor). */
  readonly backfills?: RunsApiDependencies['backfills'];
  /** The web console's built files (console/dist), served at "/"; @default none */
  readonly console?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Where the function's failures are reported. */
  readonly onError?: (error: unknown) => void;
}

export async function serveRunsApi(options: RunsApiServerOptions): Promise<RunsApiServer> {
  const handler = createRunsApiHandler(
    {
      sfn: options.sfn,
      pipelines: options.pipelines,
      descriptions: options.descriptions,
      logs: options.logs,
      data: options.data,
      ...(options.usage === undefined ? {} : { usage: options.usage }),
      ...(options.keyed === undefined ? {} : { keyed: options.keyed }),
      ...(options.backfills === undefined ? {} : { backfills: options.backfills }),
    },
    // Locally every answer is checked against the table's schema: a local run that passes predicts an API that keeps its contract.
    { checkAnswers: true },
  );
  const streams = new EventStreams();
  const server = createServer((request, response) => {
    void answer(request, response).catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) sendMessage(response, 500, `the local runs API failed: ${messageOf(error)}`);
    });
  });

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refused = foreignRequestReason(request);
    if (refused !== undefined) {
      request.resume();
      return sendMessage(response, 403, refused);
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/openapi.json') {
      request.resume();
      return send(response, 200, { 'content-type': 'application/json' }, openApiText());
    }
    const page = request.method === 'GET' && options.console !== undefined ? consoleFile(options.console, url.pathname) : undefined;
    if (page !== undefined) {
      request.resume();
      return sendConsoleFile(response, page);
    }
    const { activity, runChanges } = options;
    if (request.method === 'GET' && url.pathname === '/events' && activity !== undefined) {
      request.resume();
      streams.open(response, 'orchestra activity events', (write) => activity((event) => write(serverSentEvent(event))));
      return;
    }
    if (request.method === 'GET' && url.pathname === RUN_CHANGES_PATH && runChanges !== undefined) {
      request.resume();
      streams.open(response, 'orchestra run changes', (write) => runChanges((change) => write(runChangeEvent(change))));
      return;
    }
    const body = await readRequestBody(request, MAX_API_BODY_BYTES);
    if (body === undefined) return sendMessage(response, 413, `body: over ${MAX_API_BODY_BYTES} bytes`);
    const event = proxyEventOf(request, url, body);
    const result: unknown = await handler(
      event,
      lambdaContext({ functionName: 'orchestra-runs-api', requestId: event.requestContext.requestId, timeoutSeconds: 29, memoryMiB: 256 }),
    );
    if (!isJsonRecord(result) || typeof result['statusCode'] !== 'number') throw new InvariantError('the runs API function answered without a statusCode');
    const headers = isJsonRecord(result['headers']) ? Object.fromEntries(Object.entries(result['headers']).map(([name, value]) => [name, String(value)])) : {};
    send(response, result['statusCode'], headers, typeof result['body'] === 'string' ? result['body'] : '');
  }

  return listenLocal(server, options.port ?? 0, 'runs API');
}

/** The event API Gateway's REST proxy integration sends for this request. */
function proxyEventOf(request: IncomingMessage, url: URL, body: string): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headersDistinct)) {
    if (value === undefined) continue;
    headers[name] = value.join(',');
    multiValueHeaders[name] = value;
  }
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiValueQuery[name] = [...(multiValueQuery[name] ?? []), value];
  }
  const method = request.method ?? 'GET';
  const requestId = randomUUID();
  return {
    httpMethod: method,
    path: url.pathname,
    resource: url.pathname,
    headers,
    multiValueHeaders,
    queryStringParameters: url.searchParams.size === 0 ? null : query,
    multiValueQueryStringParameters: url.searchParams.size === 0 ? null : multiValueQuery,
    pathParameters: null,
    stageVariables: null,
    body: body === '' ? null : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: url.pathname,
    },
  };
}
