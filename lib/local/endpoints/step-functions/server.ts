/**
 * The local Step Functions endpoint: an HTTP server speaking the AWS JSON 1.0 protocol
 * (`POST /`, `X-Amz-Target: AWSStepFunctions.<Operation>`), so `new SFNClient({ endpoint })` and
 * `aws stepfunctions --endpoint-url` work against the embedded runtime. Requests must be signed with the
 * data folder's key pair (../signature-check.ts); it listens on 127.0.0.1 only and refuses other Hosts
 * and other sites' pages (./loopback-guard.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AuthorizationRequest } from '../../../access/evaluate';
import type { LocalCredentials } from '../../../runtime/local-endpoints';
import { messageOf } from '../../../shared/errors';
import { isJsonRecord } from '../../../shared/json';
import { type LocalServer, listenLocal, readRequestBody } from '../http';
import { foreignRequestReason } from '../loopback-guard';
import { signatureProblem, signerOf } from '../signature-check';
import { isOperation, StepFunctionsError, toWire } from './protocol';
import type { LocalStepFunctions } from './service';

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** AWS's own cap on a request is 1 MiB; larger bodies are refused unread. */
const MAX_BODY_BYTES = 1_048_576;

export type StepFunctionsEndpoint = LocalServer;

export interface StepFunctionsServerOptions {
  readonly port?: number;
  /** Every request must be signed with this key pair (the data folder's), or a step role's key of `stepAccess`. @default none checked */
  readonly credentials?: LocalCredentials;
  /** Step roles' keys, and what each may call (../step-identities.ts): a step's call is decided as its role's. */
  readonly stepAccess?: StepCallPolicy;
  readonly onError?: (error: unknown) => void;
}

export interface StepCallPolicy {
  secretOf(accessKeyId: string): string | undefined;
  /** The state machine a task token belongs to: IAM decides SendTask* on it. */
  stateMachineOfToken?(token: string): string | undefined;
  /** AWS's AccessDenied message when the key's role may not make the call; undefined when it may. */
  callDenial(accessKeyId: string, request: AuthorizationRequest): string | undefined;
}

/** The resource a call acts on, as IAM names it: its state machine or execution (a task token's state machine), else "*" (listings). */
function resourceOf(body: unknown, policy: StepCallPolicy | undefined): string {
  if (!isJsonRecord(body)) return '*';
  const token = body['taskToken'];
  if (typeof token === 'string') return policy?.stateMachineOfToken?.(token) ?? '*';
  for (const field of ['executionArn', 'stateMachineArn', 'mapRunArn']) {
    const value = body[field];
    if (typeof value === 'string') return value;
  }
  return '*';
}

export async function serveStepFunctions(service: LocalStepFunctions, options: StepFunctionsServerOptions = {}): Promise<StepFunctionsEndpoint> {
  const server = createServer((request, response) => {
    void answer(service, request, response, options).catch((error: unknown) => {
      options.onError?.(error);
      send(response, 500, { __type: 'InternalFailure', message: `the local Step Functions endpoint failed: ${messageOf(error)}` });
    });
  });
  return listenLocal(server, options.port ?? 0, 'Step Functions endpoint');
}

async function answer(service: LocalStepFunctions, request: IncomingMessage, response: ServerResponse, options: StepFunctionsServerOptions): Promise<void> {
  const { credentials, stepAccess } = options;
  const refused = foreignRequestReason(request);
  if (refused !== undefined) {
    request.resume();
    return send(response, 403, { __type: 'AccessDeniedException', message: refused });
  }
  const target = request.headers['x-amz-target'];
  const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (request.method !== 'POST' || !isOperation(operation)) {
    request.resume();
    return send(response, 400, {
      __type: 'UnknownOperationException',
      message: `${request.method} ${String(target ?? '(no X-Amz-Target)')}: this endpoint serves POST / with X-Amz-Target AWSStepFunctions.<operation> (Step Functions' JSON 1.0 protocol)`,
    });
  }
  const text = await readRequestBody(request, MAX_BODY_BYTES);
  if (text === undefined) return send(response, 413, { __type: 'ValidationException', message: `request body over ${MAX_BODY_BYTES} bytes` });
  const received = { method: request.method ?? 'POST', url: request.url ?? '/', headers: request.headers, body: text };
  const checked = credentials === undefined ? undefined : signerOf(received, credentials, (id) => stepAccess?.secretOf(id));
  const unsigned = checked === undefined ? undefined : await signatureProblem(received, checked.signer, 'states');
  if (unsigned !== undefined) return send(response, 403, { __type: 'UnrecognizedClientException', message: `${unsigned} (orchestra up prints them)` });
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    return send(response, 400, { __type: 'SerializationException', message: 'the request body is not JSON' });
  }
  if (checked?.issued === true) {
    const denial = stepAccess?.callDenial(checked.signer.accessKeyId, { action: `states:${operation}`, resource: resourceOf(body, stepAccess) });
    if (denial !== undefined) return send(response, 400, { __type: 'AccessDeniedException', message: denial });
  }
  try {
    send(response, 200, await service.call(operation, body));
  } catch (error) {
    if (!(error instanceof StepFunctionsError)) throw error;
    send(response, 400, { __type: error.type, message: error.message });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = toWire(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    ...(status >= 400 && typeof body === 'object' && body !== null && '__type' in body ? { 'x-amzn-errortype': String(body.__type) } : {}),
  });
  response.end(text);
}
