/**
 * Step reuse across runs: what the compiled machine asks the step-reuse function (functions/step-reuse)
 * before and after a reusable step, and where that function keeps what it knows, in the data bucket:
 *
 *   reuse/<pipeline>/<step>/entries/<key>.json   a finished step: its result and outputs (ReuseEntry)
 *   reuse/<pipeline>/<step>/runs/<runId>.json    what was decided for one run, and why (ReuseDecision)
 *   reuse/<pipeline>/<step>/latest.json          the newest entry's fingerprint, to say what changed
 *
 * The key is a digest of the step's fingerprint: named parts (spec, code, parameters, each input file,
 * each dependency's result and output files, each object its `access.read` grants) with a digest each,
 * contents never modification times. `orchestra why` prints a decision.
 */
/* Plain types, no zod: the step-reuse function's bundle imports this module. */

import { REUSE_PREFIX } from './step-event';

export { REUSE_PREFIX };
/** The function's memory, on AWS and locally: hashing streams, but copies and listings run in parallel. */
export const STEP_REUSE_MEMORY_MIB = 1024;

export const reuseStepPrefix = (pipeline: string, step: string): string => `${REUSE_PREFIX}${pipeline}/${step}/`;
export const reuseEntryKey = (pipeline: string, step: string, key: string): string => `${reuseStepPrefix(pipeline, step)}entries/${key}.json`;
export const reuseDecisionKey = (pipeline: string, step: string, runId: string): string => `${reuseStepPrefix(pipeline, step)}runs/${runId}.json`;
export const reuseLatestKey = (pipeline: string, step: string): string => `${reuseStepPrefix(pipeline, step)}latest.json`;

/** Part name → digest (hex SHA-256, or a short literal). */
export type Fingerprint = Readonly<Record<string, string>>;

/** An object a step wrote under its output prefix, as recorded when it finished. */
export interface RecordedOutput {
  /** Relative to the step's output prefix. */
  readonly path: string;
  readonly size: number;
  readonly etag: string;
  readonly sha256: string;
}

export interface ReuseEntry {
  readonly key: string;
  readonly pipeline: string;
  readonly step: string;
  /** The run that computed it: its outputs are under its output prefix. */
  readonly runId: string;
  readonly savedAt: string;
  readonly fingerprint: Fingerprint;
  readonly result: unknown;
  readonly outputs: readonly RecordedOutput[];
}

/** A part of the fingerprint that differs from the newest entry's. */
export interface FingerprintChange {
  readonly part: string;
  readonly change: 'changed' | 'added' | 'removed';
  readonly before?: string;
  readonly after?: string;
}

export interface ReuseDecision {
  readonly pipeline: string;
  readonly step: string;
  readonly runId: string;
  readonly decidedAt: string;
  readonly key: string;
  readonly fingerprint: Fingerprint;
  readonly outcome: 'reused' | 'computed';
  /** Why it was computed (no entry, a missing output, the run asked for no reuse), in words. */
  readonly reason: string;
  readonly reusedFrom?: { readonly runId: string; readonly step: string };
  /** Against the newest entry of this step, when it was computed and one existed. */
  readonly changes?: readonly FingerprintChange[];
  /** The newest entry it was compared with. */
  readonly comparedWith?: { readonly runId: string; readonly key: string };
  /** Filled once the step's outputs are stored (computed) or copied (reused). */
  readonly outputs?: readonly RecordedOutput[];
  /** Set when the entry was saved after the step ran. */
  readonly savedAt?: string;
}

/** What the check Task gets: the step event's fields plus what the compiler knows of the step. */
export interface ReuseCheckEvent {
  readonly action: 'check';
  readonly pipeline: string;
  readonly step: string;
  readonly runId: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly dependencies: Readonly<Record<string, unknown>>;
  /** Digest of the step's settings that decide its result (lib/compiler/reuse.ts). */
  readonly spec: string;
  /** Digest of its parameters, apart so `orchestra why` can name them. */
  readonly parameters: string;
  /** Its code's identity: a Lambda bundle's hash, a container image's digest or local command and files. */
  readonly code: string;
  /** Key prefixes its `access.read` grants, read by content. */
  readonly reads: readonly string[];
  /** The run input files it reads (its `inputs`, patterns relative to the run's input folder); absent: every file. */
  readonly inputs?: readonly string[];
}

export interface ReuseSaveEvent {
  readonly action: 'save';
  readonly pipeline: string;
  readonly step: string;
  readonly runId: string;
  readonly result: unknown;
}

/** The check's answer, which the machine's Choice reads: a reused step's result, or go and compute it. */
export type ReuseCheckResult =
  | { readonly reused: true; readonly result: unknown; readonly reusedFrom: { readonly runId: string; readonly step: string } }
  | { readonly reused: false };

/** A run input field that turns reuse off for the run (`orchestra run --no-reuse`); its steps still save entries. */
export const NO_REUSE_INPUT_FIELD = 'noReuse';

/** Part names, as `orchestra why` shows them. */
export const PART = {
  spec: 'spec',
  code: 'code',
  parameters: 'parameters',
  inputField: (name: string) => `input field ${name}`,
  inputFile: (path: string) => `input file ${path}`,
  inputKey: (key: string) => `input object ${key}`,
  dataItem: (type: string, path: string) => `data item ${type} file ${path}`,
  dependency: (step: string) => `dependency ${step} result`,
  dependencyFile: (step: string, path: string) => `dependency ${step} file ${path}`,
  read: (key: string) => `read ${key}`,
} as const;

/** Whether a part of a fingerprint is the step's own (what it is), not what it was given. */
export const OWN_PARTS: readonly string[] = [PART.spec, PART.code, PART.parameters];

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isOutputs = (value: unknown): boolean =>
  Array.isArray(value) && value.every((o) => isRecord(o) && typeof o['path'] === 'string' && typeof o['size'] === 'number' && typeof o['sha256'] === 'string');

/** Checks the fields readers rely on: records live in a bucket others can write to. */
export const isReuseEntry = (value: unknown): value is ReuseEntry =>
  isRecord(value) && typeof value['key'] === 'string' && typeof value['runId'] === 'string' && isRecord(value['fingerprint']) && isOutputs(value['outputs']);

export const isReuseDecision = (value: unknown): value is ReuseDecision =>
  isRecord(value) &&
  typeof value['key'] === 'string' &&
  (value['outcome'] === 'reused' || value['outcome'] === 'computed') &&
  isRecord(value['fingerprint']) &&
  (value['outputs'] === undefined || isOutputs(value['outputs']));
