/**
 * What a step may do in the data bucket, in one place: the stack grants it to the step's role
 * (lib/cdk/data-access.ts) and the local runtime is to hold the step to the same. Every step reads the
 * pipeline's inputs and its runs and writes its own folder of each run; a step's `access` adds key
 * prefixes to read, write and delete (reviewed in the graph). The other ways a step reaches data —
 * simulate's `writes`, the keyed `data/` folders a product step reads and writes — are expressed as
 * the same three lists, so one mechanism grants them all.
 */
import { pipelineRunsPrefixFor, RESERVED_PREFIXES, RUNS_PREFIX } from './step-event';

export interface StepAccessEntries {
  readonly read?: readonly string[] | undefined;
  readonly write?: readonly string[] | undefined;
  readonly delete?: readonly string[] | undefined;
}

/** Key patterns (IAM's `*` for what varies): `list` and `read` are prefixes, `write` and `delete` object patterns. */
export interface StepDataAccess {
  /** Prefixes listed and read. */
  readonly read: readonly string[];
  /** Prefixes listed only: the run inputs of a step that reads some of their files (`inputs`). */
  readonly list: readonly string[];
  /** Object patterns read: those files. */
  readonly readObjects: readonly string[];
  readonly write: readonly string[];
  readonly delete: readonly string[];
}

/** `{runId}` and `{key}` vary per run: in a grant they are `*`. */
export const accessPattern = (prefix: string): string => prefix.replace(/\{runId\}|\{key\}/g, '*');

export interface StepAccessContext {
  readonly pipeline: string;
  readonly stepId: string;
  /** Where the pipeline's runs take their inputs (its ingest prefix, its keyed data folders). */
  readonly inputPrefixes: readonly string[];
  /** Object patterns the step writes besides its folder (a product pipeline's data items). */
  readonly extraWrites?: readonly string[];
  /** The run input files it reads, relative to the run's input folder (a step's `inputs`). @default every file */
  readonly inputs?: readonly string[] | undefined;
}

/** A step's `inputs` under each input prefix: the run's folder is somewhere below the prefix (a dataset's folder), or the prefix itself. */
export const inputObjectPatterns = (inputPrefixes: readonly string[], inputs: readonly string[]): string[] =>
  inputPrefixes.flatMap((prefix) => inputs.map((pattern) => `${prefix}*${pattern}`));

export function stepDataAccess(context: StepAccessContext, access: StepAccessEntries | undefined): StepDataAccess {
  const runs = pipelineRunsPrefixFor(context.pipeline);
  const unique = (items: readonly string[]) => [...new Set(items)];
  const someInputs = context.inputs !== undefined;
  return {
    read: unique([...(someInputs ? [] : context.inputPrefixes), runs, ...(access?.read ?? []).map(accessPattern)]),
    list: someInputs ? unique(context.inputPrefixes) : [],
    readObjects: someInputs ? unique(inputObjectPatterns(context.inputPrefixes, context.inputs ?? [])) : [],
    write: unique([`${runs}*/${context.stepId}/*`, ...(context.extraWrites ?? []), ...(access?.write ?? []).map((prefix) => `${accessPattern(prefix)}*`)]),
    delete: unique((access?.delete ?? []).map((prefix) => `${accessPattern(prefix)}*`)),
  };
}

/**
 * Where a step may not be granted more: Orchestra's own records (waits, backfills, the CLI's uploads),
 * and for writes and deletes other pipelines' runs. A step may read any run.
 */
export function accessProblems(
  pipeline: string,
  access: StepAccessEntries,
): Array<{ readonly field: 'read' | 'write' | 'delete'; readonly index: number; readonly message: string }> {
  const problems: Array<{ field: 'read' | 'write' | 'delete'; index: number; message: string }> = [];
  const own = pipelineRunsPrefixFor(pipeline);
  for (const field of ['read', 'write', 'delete'] as const)
    (access[field] ?? []).forEach((prefix, index) => {
      const reserved = RESERVED_PREFIXES.find((candidate) => prefix.startsWith(candidate) || candidate.startsWith(prefix));
      if (reserved === undefined) return;
      if (reserved === RUNS_PREFIX && (field === 'read' || prefix.startsWith(own))) return;
      problems.push({
        field,
        index,
        message:
          reserved === RUNS_PREFIX
            ? `"${prefix}" reaches other pipelines' runs: a step may ${field} only under its own pipeline's, ${own}`
            : `"${prefix}" is under ${reserved}, where Orchestra keeps its own records: no step may ${field} there`,
      });
    });
  return problems;
}
