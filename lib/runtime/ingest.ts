/**
 * Decides whether an uploaded object starts a run, and under which name. The cloud trigger function
 * and the local runtime both call this, so the two behave the same.
 *
 * Duplicates are handled by naming: the run name is derived from what the run will process (the
 * object's key and etag, or the dataset folder and its files' etags). Step Functions refuses a
 * second execution with the same name, and the local run store does the same, so a re-delivered
 * event or two files of a dataset landing at once can never start a second run.
 */
import { createHash } from 'node:crypto';
import { ConfigurationError } from '../contract/errors';
import { datasetNameStem, objectNameStem, runNameOf } from '../contract/run-key';
import { type RunInput, reservedPrefixOverlapping } from '../contract/step-event';
import { requiredCaseFiles } from '../formats/dassflow2d/required-files';
import { messageOf } from '../shared/errors';
import { isJsonRecord } from '../shared/json';
import type { ObjectCreated } from './upload-events';

export interface IngestTrigger {
  readonly pipeline: string;
  readonly ingestPrefix: string;
  /** @default 'per-object' */
  readonly mode?: 'per-object' | 'dataset' | undefined;
  readonly requiredFiles?: readonly string[] | undefined;
  readonly marker?: string | undefined;
  /** Dataset mode: the dataset is a case of this model, complete once every file the case itself names is there. */
  readonly case?: 'dassflow2d' | undefined;
}

/** The ingest trigger of a pipeline whose graph has an ingest prefix (graph `trigger` section). */
export function ingestTriggerOf(
  pipeline: string,
  trigger:
    | {
        readonly ingestPrefix?: string | undefined;
        readonly mode?: IngestTrigger['mode'] | 'keyed';
        readonly requiredFiles?: readonly string[] | undefined;
        readonly marker?: string | undefined;
        readonly case?: 'dassflow2d' | undefined;
      }
    | undefined,
): IngestTrigger | undefined {
  // A keyed trigger is the conductor's (lib/runtime/keyed), not an upload trigger.
  if (trigger?.ingestPrefix === undefined || trigger.mode === 'keyed') return undefined;
  return {
    pipeline,
    ingestPrefix: trigger.ingestPrefix,
    mode: trigger.mode,
    requiredFiles: trigger.requiredFiles,
    marker: trigger.marker,
    ...(trigger.case === undefined ? {} : { case: trigger.case }),
  };
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * An ingest trigger from its JSON (the deployed trigger's INGEST_TRIGGER variable), checked field by
 * field: a hand-written check because a schema library would multiply the function's bundle size.
 */
export function parseIngestTrigger(json: string): IngestTrigger {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConfigurationError(`INGEST_TRIGGER is not JSON (${messageOf(error)}); the stack writes it from the graph's trigger`, { cause: error });
  }
  const problems: string[] = [];
  if (!isJsonRecord(value)) throw new ConfigurationError('INGEST_TRIGGER must be a JSON object');
  const field = (name: string): unknown => (Object.hasOwn(value, name) ? value[name] : undefined);
  const pipeline = field('pipeline');
  const ingestPrefix = field('ingestPrefix');
  const mode = field('mode');
  const requiredFiles = field('requiredFiles');
  const marker = field('marker');
  const caseFormat = field('case');
  if (caseFormat !== undefined && caseFormat !== 'dassflow2d') problems.push('case: expected "dassflow2d"');
  if (typeof pipeline !== 'string') problems.push('pipeline: expected a string');
  if (typeof ingestPrefix !== 'string' || !ingestPrefix.endsWith('/')) problems.push('ingestPrefix: expected a key prefix ending in "/"');
  if (mode !== undefined && mode !== 'per-object' && mode !== 'dataset') problems.push('mode: expected "per-object" or "dataset"');
  if (requiredFiles !== undefined && !isStringArray(requiredFiles)) problems.push('requiredFiles: expected an array of strings');
  if (marker !== undefined && typeof marker !== 'string') problems.push('marker: expected a string');
  if (problems.length > 0 || typeof pipeline !== 'string' || typeof ingestPrefix !== 'string') throw new ConfigurationError(`INGEST_TRIGGER is invalid: ${problems.join('; ')}`);
  return {
    pipeline,
    ingestPrefix,
    mode: mode === 'dataset' || mode === 'per-object' ? mode : undefined,
    requiredFiles: isStringArray(requiredFiles) ? requiredFiles : undefined,
    marker: typeof marker === 'string' ? marker : undefined,
    ...(caseFormat === 'dassflow2d' ? { case: caseFormat } : {}),
  };
}

export interface ListedObject {
  readonly key: string;
  readonly etag?: string | undefined;
}

export type IngestDecision =
  | { readonly action: 'start'; readonly runName: string; readonly input: RunInput }
  /** The dataset is not complete yet: a later upload will start it. */
  | { readonly action: 'wait'; readonly reason: string }
  /** The upload cannot start a run; the reason says why and how to fix it (it is logged, never silent). */
  | { readonly action: 'reject'; readonly reason: string };

export { RUN_NAME_MAX_LENGTH, RUN_NAME_PATTERN } from '../contract/runs-api';

const digest = (parts: readonly string[]): string => createHash('sha256').update(parts.join('\n')).digest('hex');
const fileNameOf = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** The dataset folder an object belongs to: the first folder below the ingest prefix. */
export function datasetOf(trigger: IngestTrigger, key: string): { readonly name: string; readonly prefix: string } | undefined {
  const rest = key.slice(trigger.ingestPrefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const name = rest.slice(0, slash);
  return { name, prefix: `${trigger.ingestPrefix}${name}/` };
}

/**
 * `listDataset` lists a dataset folder; `readText` reads one of its files (only case datasets read
 * any: a DassFlow-2D case names its own files in input.txt and bc.txt).
 */
export async function decideIngest(
  trigger: IngestTrigger,
  object: ObjectCreated,
  listDataset: (prefix: string) => Promise<readonly ListedObject[]>,
  readText?: (key: string) => Promise<string>,
): Promise<IngestDecision> {
  if (!object.key.startsWith(trigger.ingestPrefix)) return { action: 'reject', reason: `${object.key} is not under ${trigger.ingestPrefix}` };
  // Validation refuses such prefixes; this guard holds even for a trigger configured by hand.
  const reserved = reservedPrefixOverlapping(object.key);
  if (reserved !== undefined) return { action: 'reject', reason: `${object.key} is under ${reserved}, where Orchestra writes: a run started from it could start runs without end` };
  if (object.key.endsWith('/')) return { action: 'reject', reason: `${object.key} is a folder marker, not a file` };

  if ((trigger.mode ?? 'per-object') === 'per-object') {
    const folder = object.key.slice(0, object.key.lastIndexOf('/') + 1);
    return {
      action: 'start',
      runName: runNameOf(objectNameStem(object.key), digest([object.bucket, object.key, object.etag ?? object.sequencer ?? ''])),
      input: { source: 'upload', bucket: object.bucket, prefix: folder, keys: [object.key] },
    };
  }

  const dataset = datasetOf(trigger, object.key);
  if (dataset === undefined) {
    return {
      action: 'reject',
      reason: `dataset mode: upload files into a folder per dataset, e.g. ${trigger.ingestPrefix}<dataset>/${fileNameOf(object.key)}, not directly under ${trigger.ingestPrefix}`,
    };
  }
  if (trigger.case !== undefined) return decideCase(dataset, object, listDataset, readText);
  const required = trigger.requiredFiles ?? [];
  const file = object.key.slice(dataset.prefix.length);
  const isMarker = trigger.marker !== undefined && file === trigger.marker;
  // With a marker, only the marker starts the run; without one, any required file may be the last.
  if (trigger.marker !== undefined ? !isMarker : !required.includes(file)) {
    return { action: 'wait', reason: `${file} is part of dataset ${dataset.name}; waiting for ${trigger.marker ?? required.join(', ')}` };
  }
  const listed = await listDataset(dataset.prefix);
  const present = new Map(listed.map((o) => [o.key.slice(dataset.prefix.length), o.etag ?? '']));
  const missing = required.filter((name) => !present.has(name));
  if (missing.length > 0) {
    return isMarker
      ? { action: 'reject', reason: `dataset ${dataset.name}: marker ${trigger.marker} landed but ${missing.join(', ')} missing; upload them, then the marker again` }
      : { action: 'wait', reason: `dataset ${dataset.name}: waiting for ${missing.join(', ')}` };
  }
  const identity = isMarker ? [`${trigger.marker}:${object.etag ?? object.sequencer ?? ''}`] : required.map((name) => `${name}:${present.get(name)}`);
  const keys = listed.map((o) => o.key).sort();
  return {
    action: 'start',
    runName: runNameOf(datasetNameStem(dataset.prefix), digest([object.bucket, dataset.prefix, ...identity])),
    input: { source: 'upload', bucket: object.bucket, prefix: dataset.prefix, keys },
  };
}

/** A case dataset: complete once input.txt and every file it and bc.txt name are there; any upload may complete it. */
async function decideCase(
  dataset: { readonly name: string; readonly prefix: string },
  object: ObjectCreated,
  listDataset: (prefix: string) => Promise<readonly ListedObject[]>,
  readText: ((key: string) => Promise<string>) | undefined,
): Promise<IngestDecision> {
  if (readText === undefined) throw new ConfigurationError('a case dataset trigger needs to read input.txt: pass readText to decideIngest');
  const listed = await listDataset(dataset.prefix);
  const present = new Map(listed.map((o) => [o.key.slice(dataset.prefix.length), o.etag ?? '']));
  if (!present.has('input.txt')) return { action: 'wait', reason: `dataset ${dataset.name}: waiting for input.txt, which names the case's other files` };
  const bcText = present.has('bc.txt') ? await readText(`${dataset.prefix}bc.txt`) : undefined;
  const required = requiredCaseFiles(await readText(`${dataset.prefix}input.txt`), bcText);
  const missing = required.filter((name) => !present.has(name));
  if (missing.length > 0) return { action: 'wait', reason: `dataset ${dataset.name}: waiting for ${missing.join(', ')} (named by the case's input.txt and bc.txt)` };
  const keys = listed.map((o) => o.key).sort();
  return {
    action: 'start',
    runName: runNameOf(datasetNameStem(dataset.prefix), digest([object.bucket, dataset.prefix, ...required.sort().map((name) => `${name}:${present.get(name)}`)])),
    input: { source: 'upload', bucket: object.bucket, prefix: dataset.prefix, keys },
  };
}
