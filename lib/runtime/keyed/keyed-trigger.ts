/**
 * Keyed triggers: a pipeline runs once per key (an observation id) when every required data type
 * exists for it. A data item is an object under `<dataPrefix><type>/<key>/…`; a type is present for a
 * key when its folder holds an object (or the trigger's marker file). Plain code, no zod: the
 * conductor function bundles this.
 */
import { ConfigurationError } from '../../contract/errors';
import { DEFAULT_DATA_PREFIX } from '../../contract/step-event';
import { messageOf } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';

export type Reprocess = 'never' | 'onNewVersion' | 'manual';

export interface KeyedTrigger {
  readonly pipeline: string;
  readonly dataPrefix: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  readonly optionalGraceSeconds: number;
  readonly expireAfterSeconds?: number | undefined;
  readonly reprocess: Reprocess;
  readonly marker?: string | undefined;
}

/** The keyed trigger of a pipeline whose graph trigger has `mode: "keyed"`, with its defaults filled in. */
export function keyedTriggerOf(
  pipeline: string,
  trigger:
    | {
        readonly mode?: string | undefined;
        readonly dataPrefix?: string | undefined;
        readonly required?: readonly string[] | undefined;
        readonly optional?: readonly string[] | undefined;
        readonly optionalGraceSeconds?: number | undefined;
        readonly expireAfterSeconds?: number | undefined;
        readonly reprocess?: Reprocess | undefined;
        readonly marker?: string | undefined;
      }
    | undefined,
): KeyedTrigger | undefined {
  if (trigger?.mode !== 'keyed') return undefined;
  return {
    pipeline,
    dataPrefix: trigger.dataPrefix ?? DEFAULT_DATA_PREFIX,
    required: trigger.required ?? [],
    optional: trigger.optional ?? [],
    optionalGraceSeconds: trigger.optionalGraceSeconds ?? 0,
    expireAfterSeconds: trigger.expireAfterSeconds,
    reprocess: trigger.reprocess ?? 'never',
    marker: trigger.marker,
  };
}

export interface DataItem {
  readonly type: string;
  readonly key: string;
}

/** The data item an object belongs to, or undefined when the object is not `<dataPrefix><type>/<key>/<file…>`. */
export function dataItemOf(dataPrefix: string, objectKey: string): DataItem | undefined {
  if (!objectKey.startsWith(dataPrefix)) return undefined;
  const [type, key, ...rest] = objectKey.slice(dataPrefix.length).split('/');
  if (type === undefined || key === undefined || type === '' || key === '' || rest.length === 0 || rest.at(-1) === '') return undefined;
  return { type, key };
}

export const itemFolder = (dataPrefix: string, type: string, key: string): string => `${dataPrefix}${type}/${key}/`;

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The conductor's KEYED_TRIGGERS variable (written by the stack from the graphs), checked field by field. */
export function parseKeyedTriggers(json: string): KeyedTrigger[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConfigurationError(`KEYED_TRIGGERS is not JSON (${messageOf(error)}); the stack writes it from the graphs' triggers`, { cause: error });
  }
  if (!Array.isArray(value)) throw new ConfigurationError('KEYED_TRIGGERS must be a JSON array');
  return value.map((entry, index) => {
    const at = `KEYED_TRIGGERS[${index}]`;
    if (!isJsonRecord(entry)) throw new ConfigurationError(`${at} must be an object`);
    const { pipeline, dataPrefix, required, optional, optionalGraceSeconds, expireAfterSeconds, reprocess, marker } = entry;
    const problems: string[] = [];
    if (typeof pipeline !== 'string') problems.push('pipeline: expected a string');
    if (typeof dataPrefix !== 'string' || !dataPrefix.endsWith('/')) problems.push('dataPrefix: expected a key prefix ending in "/"');
    if (!isStringArray(required) || required.length === 0) problems.push('required: expected a non-empty array of strings');
    if (!isStringArray(optional)) problems.push('optional: expected an array of strings');
    if (typeof optionalGraceSeconds !== 'number' || optionalGraceSeconds < 0) problems.push('optionalGraceSeconds: expected a number ≥ 0');
    if (expireAfterSeconds !== undefined && (typeof expireAfterSeconds !== 'number' || expireAfterSeconds < 1)) problems.push('expireAfterSeconds: expected a number ≥ 1');
    if (reprocess !== 'never' && reprocess !== 'onNewVersion' && reprocess !== 'manual') problems.push('reprocess: expected "never", "onNewVersion" or "manual"');
    if (marker !== undefined && typeof marker !== 'string') problems.push('marker: expected a string');
    if (
      problems.length > 0 ||
      typeof pipeline !== 'string' ||
      typeof dataPrefix !== 'string' ||
      !isStringArray(required) ||
      !isStringArray(optional) ||
      typeof optionalGraceSeconds !== 'number' ||
      (reprocess !== 'never' && reprocess !== 'onNewVersion' && reprocess !== 'manual')
    )
      throw new ConfigurationError(`${at} is invalid: ${problems.join('; ')}`);
    return {
      pipeline,
      dataPrefix,
      required,
      optional,
      optionalGraceSeconds,
      expireAfterSeconds: typeof expireAfterSeconds === 'number' ? expireAfterSeconds : undefined,
      reprocess,
      marker: typeof marker === 'string' ? marker : undefined,
    };
  });
}

/** A data item some `service` step awaits: its arrival for a key answers that step's wait. */
export interface AwaitedItem {
  readonly dataPrefix: string;
  readonly type: string;
}

/** The items a pipeline's service steps await (under its keyed trigger's data prefix). */
export function awaitedItemsOf(graph: {
  readonly trigger?: { readonly mode?: string | undefined; readonly dataPrefix?: string | undefined } | undefined;
  readonly steps: Readonly<Record<string, { readonly kind: string; readonly awaitsDataItem?: string | undefined }>>;
}): AwaitedItem[] {
  if (graph.trigger?.mode !== 'keyed') return [];
  const dataPrefix = graph.trigger.dataPrefix ?? DEFAULT_DATA_PREFIX;
  return Object.values(graph.steps).flatMap((step) => (step.kind === 'service' && step.awaitsDataItem !== undefined ? [{ dataPrefix, type: step.awaitsDataItem }] : []));
}

/** The conductor's bundled ORCHESTRA_AWAITED_ITEMS, checked field by field. */
export function parseAwaitedItems(json: string): AwaitedItem[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConfigurationError(`AWAITED_ITEMS is not JSON (${messageOf(error)}); the stack writes it from the graphs' service steps`, { cause: error });
  }
  if (!Array.isArray(value)) throw new ConfigurationError('AWAITED_ITEMS must be a JSON array');
  return value.map((entry, index) => {
    if (!isJsonRecord(entry) || typeof entry['dataPrefix'] !== 'string' || typeof entry['type'] !== 'string')
      throw new ConfigurationError(`AWAITED_ITEMS[${index}] must be {"dataPrefix": string, "type": string}`);
    return { dataPrefix: entry['dataPrefix'], type: entry['type'] };
  });
}
