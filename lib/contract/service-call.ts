/**
 * External pipeline services: a `service` step POSTs `{…body, callbackUrl}` to `<url>/processing`
 * and its Task waits on a task token until the service calls back (the runs API's
 * `POST /callbacks/{callbackId}`) or, when the step awaits a data item, until that item lands (the
 * conductor). Both find the token in a wait record the step writes to the data bucket before it
 * calls the service, so neither the callback nor the item can arrive before the token is findable.
 * Plain code, no zod: the service-call, conductor and runs API functions bundle this.
 */
import { isJsonRecord } from '../shared/json';
import { WAITS_PREFIX } from './step-event';

export type { CallbackRequest } from './runs-api';

/** What the compiler writes into a service step's Task Parameters as `service`. */
export interface ServiceCallSettings {
  /** The service's base URL; the step POSTs to `<url>/processing`. */
  readonly url: string;
  /** The request body, its `{key}`-style references already resolved by the state machine. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The folder of the data item whose arrival ends the wait (`data/<type>/<key>/`), if any. */
  readonly awaits?: string;
}

/** The path the service accepts work on, after its base URL. */
export const SERVICE_PROCESSING_PATH = 'processing';

export const processingUrlOf = (base: string): string => `${base.replace(/\/+$/, '')}/${SERVICE_PROCESSING_PATH}`;

/**
 * What a service step's body may reference: each token, standing alone as a string value, becomes
 * the run's value (the keyed run's key and input manifest, the run id, the whole run input).
 */
export const BODY_REFERENCES = { '{key}': '$.input.key', '{inputs}': '$.input.inputs', '{runId}': '$$.Execution.Name', '{input}': '$.input' } as const;
export type BodyReference = keyof typeof BODY_REFERENCES;
export const isBodyReference = (value: unknown): value is BodyReference => typeof value === 'string' && Object.hasOwn(BODY_REFERENCES, value);
/** References that only a keyed run's input has. */
export const KEYED_REFERENCES: readonly BodyReference[] = ['{key}', '{inputs}'];

/** One service call's wait: enough to answer its token from a callback or from the awaited item. */
export interface WaitRecord {
  readonly callbackId: string;
  readonly taskToken: string;
  readonly pipeline: string;
  readonly runId: string;
  readonly step: string;
  /** When the call was made: an awaited item older than this is a previous version, not the answer. */
  readonly since: string;
  readonly awaits?: string;
}

/** Callback ids are 32 random bytes, base64url: the id is the capability to answer the wait. */
export const CALLBACK_ID = /^[A-Za-z0-9_-]{43}$/;

export const callbackRecordKey = (callbackId: string): string => `${WAITS_PREFIX}callbacks/${callbackId}.json`;
/** Every wait on one data item folder sits under this prefix, so its arrival finds them with one listing. */
export const itemWaitsPrefix = (folder: string): string => `${WAITS_PREFIX}items/${folder}`;
export const itemWaitKey = (folder: string, callbackId: string): string => `${itemWaitsPrefix(folder)}${callbackId}.json`;
/** The objects that record one wait. */
export const waitRecordKeys = (wait: WaitRecord): string[] => [
  callbackRecordKey(wait.callbackId),
  ...(wait.awaits === undefined ? [] : [itemWaitKey(wait.awaits, wait.callbackId)]),
];

export function parseWaitRecord(text: string): WaitRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonRecord(value)) return undefined;
  const { callbackId, taskToken, pipeline, runId, step, since, awaits } = value;
  if (
    typeof callbackId !== 'string' ||
    typeof taskToken !== 'string' ||
    typeof pipeline !== 'string' ||
    typeof runId !== 'string' ||
    typeof step !== 'string' ||
    typeof since !== 'string'
  )
    return undefined;
  if (awaits !== undefined && typeof awaits !== 'string') return undefined;
  return { callbackId, taskToken, pipeline, runId, step, since, ...(awaits === undefined ? {} : { awaits }) };
}

/** The error a service step fails with when its service reports failure without naming one. */
export const SERVICE_FAILED_ERROR = 'Orchestra.ServiceFailed';
