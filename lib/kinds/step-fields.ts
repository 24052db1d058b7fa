/**
 * Fields every step kind shares, and the identifiers and policies they use. Each kind's schema
 * (lib/kinds/<kind>/schema.ts) spreads `commonStepFields` into its own object.
 */
import { z } from 'zod';

export const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
/** A data item type: one path segment of `<dataPrefix><type>/<key>/` (keyed triggers, service steps, product graphs). */
export const DATA_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const PIPELINE_NAME_MAX_LENGTH = 64;
/** Step ids become ASL state names, which AWS caps at 80 characters. */
export const STEP_ID_MAX_LENGTH = 80;
/** Step Functions Standard workflows run for at most one year. */
export const MAX_TIMEOUT_SECONDS = 31_536_000;

const identifier = (what: string, maxLength: number) =>
  z
    .string()
    .min(1, { message: `${what} must not be empty` })
    .max(maxLength, { message: `${what} is longer than ${maxLength} characters` })
    .regex(ID_PATTERN, { message: `${what} may contain only letters, digits, "-" and "_"` });

export const dataTypeSchema = z.string().regex(DATA_TYPE_PATTERN, { message: 'a data type is one path segment of letters, digits, "_", "." or "-" (e.g. "EclTmVhfAlert")' });

export const pipelineNameSchema = identifier('pipeline name', PIPELINE_NAME_MAX_LENGTH).describe('Pipeline id: letters, digits, "-" and "_", at most 64 characters.');
export const stepIdSchema = identifier('step id', STEP_ID_MAX_LENGTH).describe('Step id: letters, digits, "-" and "_", at most 80 characters. It names the step\'s Task state.');

export const retrySchema = z
  .strictObject({
    maxAttempts: z.int().min(1).max(100).optional().describe('Total attempts including the first one (1 = no retry). @default 3'),
    intervalSeconds: z.int().min(1).max(99_999_999).optional().describe('Wait before the first retry. @default 1'),
    backoffRate: z.number().min(1).max(10).optional().describe('Multiplier applied to the wait after each retry. @default 2'),
    maxDelaySeconds: z.int().min(1).max(31_622_400).optional().describe('Upper bound for the wait between attempts. @default - no bound'),
    jitter: z.enum(['full', 'none']).optional().describe('"full" randomises each wait to spread retries of many runs. @default "none"'),
  })
  .describe('Retry policy. Errors named "Orchestra.Permanent" (e.g. invalid input) are never retried.');

export const onFailureSchema = z
  .enum(['fail', 'continue'])
  .describe(
    '"fail": the run fails at once (other running steps are stopped). "continue": the failure is recorded under ' +
      '$.failed.<step>, steps that depend on it are skipped, independent steps still finish, and the run ends FAILED. ' +
      '@default "fail"',
  );

/** True when no object key at any depth ends in ".$", which Step Functions would read as a path inside Task Parameters. */
function noPathKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(noPathKeys);
  if (value !== null && typeof value === 'object') return Object.entries(value).every(([key, item]) => !key.endsWith('.$') && noPathKeys(item));
  return true;
}

export const parametersSchema = z
  .record(z.string(), z.json())
  .refine(noPathKeys, { message: 'parameter keys must not end in ".$" at any depth: Step Functions would read their values as paths' })
  .describe(
    'Settings of this step, passed as they are: Lambda and simulate steps get them as "parameters" in their event, container steps as ORCHESTRA_PARAMETERS (JSON), service steps in their event too; pipeline steps do not use them (give the child its "input").',
  );

/** A field of a step's result: `files`, or `window.files` for a nested one. */
export const RESULT_FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const resultField = z.string().regex(RESULT_FIELD_PATTERN, { message: 'a field of the result: names of letters, digits and "_", joined by ".", e.g. "files" or "window.files"' });

/** Step Functions' Distributed Map runs at most 10,000 child executions at once. */
export const DISTRIBUTED_MAX_CONCURRENCY = 10_000;

export const forEachSchema = z
  .strictObject({
    from: stepIdSchema.describe('The earlier step (also in dependsOn) whose result holds the list.'),
    items: resultField
      .optional()
      .describe('Field of that result holding the items as a JSON array: an inline Map. For lists that fit in the run state (Step Functions caps it at 256 KiB).'),
    manifest: resultField
      .optional()
      .describe(
        'Field of that result holding {"bucket", "key"} of a JSON array in S3 (functions/commons/item-lists.ts writes one): a Distributed Map that reads the items from S3 (ItemReader) and writes the results to S3 (ResultWriter). For lists of any size.',
      ),
    maxConcurrency: z
      .int()
      .min(0)
      .max(DISTRIBUTED_MAX_CONCURRENCY)
      .optional()
      .describe('How many items run at once. @default 0: as many as Step Functions allows (40 inline, 10,000 distributed)'),
    toleratedFailurePercentage: z
      .int()
      .min(0)
      .max(100)
      .optional()
      .describe(
        'With "manifest": the step still succeeds while at most this percentage of items fail (after their retries); a whole number, as Step Functions takes it. @default 0',
      ),
    maxItems: z
      .int()
      .min(1)
      .max(100_000_000)
      .optional()
      .describe('The most items a run is expected to have: the compiler checks history events and payload sizes against it. @default 100 with "items", 100,000 with "manifest"'),
  })
  .describe(
    'Run this step once per item of a list an earlier step produced (dynamic fan-out, like Airflow\'s task mapping). Each item gets the step event plus "item" and "itemIndex"; retry and timeoutSeconds apply per item. Give "items" (an array in the result) or "manifest" (a list in S3).',
  );

/**
 * A key prefix in the data bucket a step's `access` names: no leading "/", no wildcard (what varies per
 * run is a placeholder: `{runId}`, or `{key}` for a keyed run's observation id).
 */
export const ACCESS_PREFIX_PATTERN = /^(?!\/)(?:[^*?{}]|\{runId\}|\{key\})+$/;
const accessPrefixes = (what: string) =>
  z
    .array(
      z.string().max(512).regex(ACCESS_PREFIX_PATTERN, {
        message: 'a key prefix of the data bucket, e.g. "observations/" or "catalogue/processed.json": no leading "/", no "*" or "?"; "{runId}" and "{key}" stand for what varies',
      }),
    )
    .max(20)
    .optional()
    .describe(what);

/**
 * What a step may do in the data bucket beyond its defaults (read the pipeline's inputs and its runs,
 * write its own folder of each run): granted by the stack to the step's role, and the same grants the
 * local runtime holds a step to.
 */
export const dataAccessSchema = z
  .strictObject({
    read: accessPrefixes('Key prefixes the step lists and reads (e.g. an archive, an index file).'),
    write: accessPrefixes('Key prefixes the step writes (e.g. an archive shared across runs).'),
    delete: accessPrefixes('Key prefixes the step deletes under (e.g. its own scratch copies: "runs/<pipeline>/{runId}/").'),
  })
  .describe(
    "What this step may read, write and delete in the data bucket besides its defaults (the pipeline's inputs and runs, its own folder of each run), as key prefixes. Each is granted by the stack and reviewed in the graph.",
  );

/** Files of the run input a step reads, as IAM-style patterns relative to the run's input folder. */
export const inputFilesSchema = z
  .array(
    z
      .string()
      .min(1)
      .regex(/^(?!\/)/, { message: 'relative to the run\'s input folder: no leading "/"' }),
  )
  .min(1)
  .describe(
    'The files of the run input this step reads, relative to the run\'s input folder ("*" matches any characters, "?" one): its role may read only these of the input (the stack grants it, the local runtime enforces it), and its reuse key takes only these, so a change to another file does not recompute it. @default every file of the run input',
  );

export const commonStepFields = {
  description: z.string().max(1024).optional().describe('Free text; becomes the Task state Comment.'),
  parameters: parametersSchema.optional(),
  dependsOn: z.array(stepIdSchema).optional().describe('Ids of the steps that must succeed before this one starts.'),
  retry: retrySchema.optional(),
  timeoutSeconds: z
    .int()
    .min(1)
    .max(MAX_TIMEOUT_SECONDS)
    .optional()
    .describe('Per-attempt timeout of the Task state. @default defaults.timeoutSeconds, else 300 (container: 3600)'),
  onFailure: onFailureSchema.optional(),
  reuse: z
    .boolean()
    .optional()
    .describe(
      "Skip this step and reuse a finished run's result when nothing that decides it changed: its settings, code, parameters, the run input's files by content, its dependencies' results and files, what its access.read grants. See docs/reuse.md. @default defaults.reuse, else false",
    ),
  idempotent: z
    .boolean()
    .optional()
    .describe(
      'Says a step with effects outside its own output folder (tables, writes, access.write, service and pipeline steps) may be skipped when reused: running it again would change nothing. @default false',
    ),
  estimatedDurationSeconds: z
    .number()
    .min(0)
    .optional()
    .describe('Expected run time, used only to plan parallelism for graphs that are not series-parallel. ' + '@default - simulate: mean of durationMs; lambda: 1; container: 60'),
};
