/**
 * The typed client of the runs API, generated from its route table (lib/contract/runs-api-routes.ts):
 * one method per route, its request (path parameters, query, headers, body) and its answers typed from
 * the table, every answer read through its schema. The same client serves the console (fetch, in the
 * browser), the CLI and a lab's own scripts (`orchestra/client`, SigV4 for a deployed stack).
 *
 * @example
 *   const runs = createRunsClient({ baseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1', transport: sigV4Transport({ region: 'eu-west-1' }) });
 *   const { body } = await runs.startRun({ pipeline: 'flood', body: { input: { prefix: 'ingest/flood/valley/' } } });
 */
import * as z from 'zod/mini';
import { type AnswerOf, type OperationId, pathParametersOf, type RequestOf, type RouteSpec, routeEntries } from '../contract/runs-api-routes';
import { messageOf, OrchestraError } from '../shared/errors';
import { fetchTransport, type Transport } from './transport';

/** The API refused a request: its status, its message and the field to fix, as the API said them. */
export class RunsApiError extends OrchestraError {
  override readonly name = 'RunsApiError';
  constructor(
    readonly status: number,
    /** `METHOD path`: which request was refused. */
    readonly request: string,
    /** The API's own message. */
    readonly reason: string,
    /** The request field to fix (a JSON path such as body.input.prefix, a query parameter or a header). */
    readonly field?: string,
  ) {
    super('runs-api', `${request}: ${reason}`);
  }
}

/** No answer at all: the API is not there (or the network is not). */
export class RunsApiUnreachable extends OrchestraError {
  override readonly name = 'RunsApiUnreachable';
  constructor(
    readonly baseUrl: string,
    cause: unknown,
  ) {
    super('runs-api-unreachable', `cannot reach the runs API at ${baseUrl} (${messageOf(cause)}) — is \`orchestra up\` running, or the URL right?`, { cause });
  }
}

/** A request that may be left out when nothing in it is required (`listPipelines()`). */
type Arguments<Op extends OperationId> = object extends RequestOf<Op> ? [request?: RequestOf<Op>] : [request: RequestOf<Op>];

export type RunsClient = { readonly [Op in OperationId]: (...request: Arguments<Op>) => Promise<AnswerOf<Op>> } & { readonly baseUrl: string };

export interface RunsClientOptions {
  /** Where the API is: `http://127.0.0.1:4570` (orchestra up), or a stack's RunsApiUrl output. */
  readonly baseUrl: string;
  /** @default fetchTransport (unsigned: the local API, or a page served by it) */
  readonly transport?: Transport;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const stringsOf = (value: unknown): Record<string, string> =>
  isRecord(value) ? Object.fromEntries(Object.entries(value).flatMap(([name, item]) => (typeof item === 'string' ? [[name, item]] : []))) : {};

/** The path with its parameters filled in, encoded, and the query. */
function urlOf(baseUrl: string, route: RouteSpec, request: Record<string, unknown>): string {
  let path: string = route.path;
  for (const name of pathParametersOf(route.path)) {
    const value = request[name];
    if (typeof value !== 'string') throw new OrchestraError('runs-api-request', `${route.method} ${route.path}: give ${name}`);
    path = path.replace(`{${name}}`, encodeURIComponent(value));
  }
  const query = new URLSearchParams(stringsOf(request['query'])).toString();
  return `${baseUrl}${path}${query === '' ? '' : `?${query}`}`;
}

function parsedBody(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

async function call(baseUrl: string, transport: Transport, route: RouteSpec, request: Record<string, unknown>): Promise<{ status: number; body: unknown; location?: string }> {
  const url = urlOf(baseUrl, route, request);
  const body = route.body === undefined ? undefined : JSON.stringify(request['body'] ?? {});
  const headers = { ...stringsOf(request['headers']), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const label = `${route.method} ${url.slice(baseUrl.length)}`;
  let answer: Awaited<ReturnType<Transport>>;
  try {
    answer = await transport({ method: route.method, url, headers, ...(body === undefined ? {} : { body }) });
  } catch (error) {
    throw new RunsApiUnreachable(baseUrl, error);
  }
  const value = parsedBody(answer.body);
  if (answer.status >= 400) {
    const message = isRecord(value) && typeof value['message'] === 'string' ? value['message'] : `HTTP ${answer.status}`;
    throw new RunsApiError(answer.status, label, message, isRecord(value) && typeof value['field'] === 'string' ? value['field'] : undefined);
  }
  const schema = route.answers[answer.status]?.body?.schema;
  if (schema === undefined)
    throw new RunsApiError(answer.status, label, `answered ${answer.status}, which this client (its route table) does not know: are client and API of one version?`);
  const checked = z.safeParse(schema, value);
  if (!checked.success) throw new RunsApiError(answer.status, label, `the answer does not fit its schema: ${z.prettifyError(checked.error)}`);
  const location = answer.headers.get('location');
  return { status: answer.status, body: checked.data, ...(location === null ? {} : { location }) };
}

/** A client of the runs API at `baseUrl`. */
export function createRunsClient(options: RunsClientOptions): RunsClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const transport = options.transport ?? fetchTransport;
  const methods = Object.fromEntries(routeEntries().map(([operation, route]) => [operation, (request: Record<string, unknown> = {}) => call(baseUrl, transport, route, request)]));
  // Each method calls its own route and reads the answer with that route's schema, which is what
  // RunsClient says of it; TypeScript cannot follow a mapped object built in a loop, so it is told once here.
  return { ...methods, baseUrl } as RunsClient;
}
