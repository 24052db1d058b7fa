/**
 * What a run was started for — its key — and how its name shows it. `GET /runs?key=` matches exactly:
 * - a keyed run: its observation id (`input.key`);
 * - a per-object run: its object's key (one of `input.keys`);
 * - a dataset run: its folder (`input.prefix`, with or without the final "/");
 * - a run started by hand of a pipeline without a trigger: any of those its input names.
 * Runs the triggers start, and runs the API starts without a run id, are named `<stem>-<16 hex>`, the
 * stem readable from the key: listing by key describes only the runs whose names fit, so it costs one
 * DescribeExecution per candidate, not one per run (a run named by its caller is found by its id).
 */
import { randomBytes } from 'node:crypto';
import { isJsonRecord } from '../shared/json';

const DIGEST_LENGTH = 16;
const STEM_LENGTH = 60;

/** Runs of letters, digits, "-" and "_" (Step Functions' name characters), joined by "-". */
export const slug = (text: string): string =>
  text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, STEM_LENGTH) || 'run';

const fileNameOf = (key: string): string => key.slice(key.lastIndexOf('/') + 1);
const folderNameOf = (prefix: string): string => fileNameOf(prefix.replace(/\/+$/, ''));

/** The readable part of a keyed run's name: every other character becomes "_", so ids stay recognisable. */
export const keyedNameStem = (key: string): string => key.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, STEM_LENGTH);
export const objectNameStem = (key: string): string => slug(fileNameOf(key));
export const datasetNameStem = (prefix: string): string => slug(folderNameOf(prefix));

/** `<stem>-<digest>`: the shape of every run name made from a key. */
export const runNameOf = (stem: string, digestHex: string): string => `${stem}-${digestHex.slice(0, DIGEST_LENGTH)}`;

/** How a pipeline's runs start, which decides what their key is; undefined: by hand or by schedule only. */
export type StartMode = 'keyed' | 'per-object' | 'dataset' | undefined;

/** A pipeline's start mode from what the runs API says of its trigger. */
export function startModeOf(trigger: { readonly mode?: string | undefined; readonly ingestPrefix?: string | undefined } | undefined): StartMode {
  if (trigger?.mode === 'keyed') return 'keyed';
  if (trigger?.ingestPrefix === undefined) return undefined;
  return trigger.mode === 'dataset' ? 'dataset' : 'per-object';
}

const textsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The keys a run's input was started for, by its pipeline's start mode (a run started by hand: any it names). */
export function runKeysOf(input: unknown, mode: StartMode): string[] {
  if (!isJsonRecord(input)) return [];
  const key = typeof input['key'] === 'string' ? [input['key']] : [];
  const prefix = typeof input['prefix'] === 'string' ? [input['prefix']] : [];
  // A dataset run lists its files and a per-object run its folder too: neither is what it was started for.
  if (mode === 'keyed') return key;
  if (mode === 'per-object') return textsOf(input['keys']);
  if (mode === 'dataset') return prefix;
  return [...key, ...textsOf(input['keys']), ...prefix];
}

/** Whether a run with this input was started for `key`, exactly (a folder with or without its final "/"). */
export const runIsFor = (input: unknown, mode: StartMode, key: string): boolean => runKeysOf(input, mode).some((found) => found === key || found === `${key}/`);

/** Whether a run so named may have been started for `key` (its stem is one `key` gives); the input decides. */
export function nameMayBeFor(runName: string, key: string): boolean {
  const dash = runName.length - DIGEST_LENGTH - 1;
  if (dash < 1 || runName[dash] !== '-' || !/^[0-9a-f]+$/.test(runName.slice(dash + 1))) return false;
  const stem = runName.slice(0, dash);
  return stem === keyedNameStem(key) || stem === objectNameStem(key) || stem === datasetNameStem(key);
}

/** A name for a run the API starts without a run id: readable from its key when it has one, so listing by key finds it. */
export function apiRunName(input: unknown, mode: StartMode): string | undefined {
  const [first] = runKeysOf(input, mode);
  if (first === undefined) return undefined;
  const stem = isJsonRecord(input) && input['key'] === first ? keyedNameStem(first) : first.endsWith('/') ? datasetNameStem(first) : objectNameStem(first);
  return runNameOf(stem, randomBytes(DIGEST_LENGTH / 2).toString('hex'));
}

/** What a run's input must hold for its pipeline's steps, by start mode; undefined when it does. */
export function startInputProblem(pipeline: string, mode: StartMode, input: unknown): { readonly message: string; readonly field: string } | undefined {
  const value = isJsonRecord(input) ? input : {};
  if (mode === 'per-object') {
    const keys = value['keys'];
    const valid = Array.isArray(keys) && keys.length > 0 && keys.every((key) => typeof key === 'string' && key !== '' && !key.endsWith('/'));
    return valid
      ? undefined
      : {
          field: 'body.input.keys',
          message: `body.input.keys: ${pipeline} runs once per uploaded object, and its steps read input.keys — give the objects to process, e.g. {"keys": ["ingest/${pipeline}/scan.tif"]}`,
        };
  }
  if (mode === 'dataset') {
    const prefix = value['prefix'];
    return typeof prefix === 'string' && prefix.endsWith('/')
      ? undefined
      : {
          field: 'body.input.prefix',
          message: `body.input.prefix: ${pipeline} runs once per dataset folder — give the folder, ending in "/", e.g. {"prefix": "ingest/${pipeline}/d1/"}`,
        };
  }
  if (mode === 'keyed') {
    const key = value['key'];
    return typeof key === 'string' && key !== ''
      ? undefined
      : { field: 'body.input.key', message: `body.input.key: ${pipeline} runs once per key (an observation id) — give it, e.g. {"key": "obs-0001"}` };
  }
  return undefined;
}

/**
 * Where a start's input points outside what the pipeline's steps may read (its input prefixes and its
 * own runs): on AWS its first read would be denied (AccessDenied), so the start is refused instead.
 */
export function unreadableInputProblem(
  pipeline: string,
  readable: readonly string[] | undefined,
  input: unknown,
): { readonly message: string; readonly field: string } | undefined {
  if (readable === undefined || !isJsonRecord(input)) return undefined;
  const allowed = [...readable, `runs/${pipeline}/`];
  const outside = (key: string) => !allowed.some((prefix) => key.startsWith(prefix));
  const fix = `its steps may read only under ${allowed.join(', ')} — upload there (on AWS the run would fail with AccessDenied), or grant the prefix in the steps' "access"`;
  const prefix = input['prefix'];
  if (typeof prefix === 'string' && outside(prefix)) return { field: 'body.input.prefix', message: `body.input.prefix: "${prefix}" is outside what ${pipeline} reads: ${fix}` };
  const keys = input['keys'];
  const first = Array.isArray(keys) ? keys.find((key): key is string => typeof key === 'string' && outside(key)) : undefined;
  if (first !== undefined) return { field: 'body.input.keys', message: `body.input.keys: "${first}" is outside what ${pipeline} reads: ${fix}` };
  return undefined;
}
