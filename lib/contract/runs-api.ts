/**
 * The runs API's request bodies: one schema each, from which the function validates a request and
 * CDK derives the API Gateway model (lib/cdk/api-model.ts). zod's tree-shakable "mini" build keeps
 * the function's bundle small (about 18 KB, against about 450 KB for full zod).
 */
import * as z from 'zod/mini';

/** Step Functions execution names: 1-80 characters of [A-Za-z0-9-_]. */
export const RUN_NAME_MAX_LENGTH = 80;

/** A valid run name (Step Functions execution name). */
export const RUN_NAME_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${RUN_NAME_MAX_LENGTH}}$`);

const RUN_ID_RULE = `1-${RUN_NAME_MAX_LENGTH} letters, digits, "-" or "_"`;

export const startRunRequestSchema = z.strictObject(
  {
    runId: z.optional(
      z
        .string({ error: RUN_ID_RULE })
        .check(z.regex(RUN_NAME_PATTERN, { error: RUN_ID_RULE }), z.describe(`The run's name, used once per pipeline: ${RUN_ID_RULE} (default: generated)`)),
    ),
    input: z.optional(
      z
        .record(z.string(), z.unknown(), { error: 'expected a JSON object (the run input)' })
        .check(z.describe('The run input, a JSON object; a dataset or case pipeline reads the folder named by "prefix", e.g. {"prefix": "ingest/<pipeline>/<dataset>/"}')),
    ),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} — allowed: "runId", "input"` : undefined) },
);

export type StartRunRequest = z.infer<typeof startRunRequestSchema>;

const EXAMPLE = '{"runId": "2026-11-22", "input": {"prefix": "ingest/<pipeline>/<dataset>/"}}';

/** A mistake in a request: the field's JSON path (`body.runId`) and the message naming it. */
export interface RequestProblem {
  readonly field: string;
  readonly message: string;
}

/** A parsed request body, or every problem with it. */
export type Parsed<T> = { readonly request: T } | { readonly problems: readonly RequestProblem[] };

/** Each schema issue as a problem naming its JSON path under `body` (`body.runId: …`). */
const problemsOf = (issues: ReadonlyArray<{ readonly path: readonly PropertyKey[]; readonly message: string }>): RequestProblem[] =>
  issues.map((issue) => {
    const field = ['body', ...issue.path.map(String)].join('.');
    return { field, message: `${field}: ${issue.message}` };
  });

const isObjectBody = (body: unknown): body is object => body !== null && typeof body === 'object' && !Array.isArray(body);

/** The request, or every problem with its JSON path (`body.runId: …`). */
export function parseStartRunRequest(body: unknown): Parsed<StartRunRequest> {
  if (!isObjectBody(body)) return { problems: [{ field: 'body', message: `body: expected a JSON object such as ${EXAMPLE} (send {} to start with no input)` }] };
  const parsed = startRunRequestSchema.safeParse(body);
  return parsed.success ? { request: parsed.data } : { problems: problemsOf(parsed.error.issues) };
}

/** The most a callback's `output` may be: it becomes the step's result in the run state. */
export const CALLBACK_OUTPUT_MAX_BYTES = 1024;

const CALLBACK_EXAMPLE = 'send {"status": "succeeded", "output": {…}}, {"status": "failed", "error": "…", "cause": "…"} or {"status": "running"} (a heartbeat)';

/** What an external service sends to the callback URL of its `service` step (`POST /callbacks/{callbackId}`). */
export const callbackRequestSchema = z.discriminatedUnion(
  'status',
  [
    z.strictObject({
      status: z.literal('succeeded'),
      output: z.optional(
        z.unknown().check(
          z.refine((output) => Buffer.byteLength(JSON.stringify(output)) <= CALLBACK_OUTPUT_MAX_BYTES, {
            error: `over ${CALLBACK_OUTPUT_MAX_BYTES} bytes — write the product to the data bucket and send its key`,
          }),
        ),
      ),
    }),
    z.strictObject({
      status: z.literal('failed'),
      error: z.optional(z.string().check(z.maxLength(256))),
      cause: z.optional(z.string().check(z.maxLength(32_768))),
    }),
    z.strictObject({ status: z.literal('running') }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `not "succeeded", "failed" or "running" — ${CALLBACK_EXAMPLE}` : undefined) },
);

export type CallbackRequest = z.infer<typeof callbackRequestSchema>;

/** The callback body, or every problem with it, naming the field. */
export function parseCallbackRequest(body: unknown): Parsed<CallbackRequest> {
  if (!isObjectBody(body)) return { problems: [{ field: 'body', message: `body: expected a JSON object — ${CALLBACK_EXAMPLE}` }] };
  const parsed = callbackRequestSchema.safeParse(body);
  return parsed.success ? { request: parsed.data } : { problems: problemsOf(parsed.error.issues) };
}

/** A backfill's pace when the request names none: runs started per second. */
export const DEFAULT_BACKFILL_RATE = 20;

/** `POST /backfills`: decide again for keys, through the conductor's own path. */
export const backfillRequestSchema = z.strictObject({
  keys: z.optional(
    z.array(z.string().check(z.minLength(1), z.maxLength(1024))).check(z.minLength(1), z.maxLength(100_000), z.describe('The keys (e.g. observation ids) to decide again')),
  ),
  prefix: z.optional(
    z
      .string()
      .check(
        z.minLength(1),
        z.regex(/\/$/, { error: 'a key prefix ending in "/", e.g. "data/EclTmVhfAlert/"' }),
        z.describe('Every data item under this prefix, e.g. "data/EclTmVhfAlert/"'),
      ),
  ),
  pipelines: z.optional(z.array(z.string()).check(z.minLength(1), z.describe('Only these keyed pipelines (default: every one the items feed)'))),
  ratePerSecond: z.optional(z.number().check(z.gte(0.1), z.lte(300), z.describe(`Runs started per second at most (default ${DEFAULT_BACKFILL_RATE})`))),
});

export type BackfillRequest = z.infer<typeof backfillRequestSchema>;

export function parseBackfillRequest(body: unknown): Parsed<BackfillRequest> {
  const example = '{"keys": ["obs-001", "obs-002"]} or {"prefix": "data/EclTmVhfAlert/"}, optionally with "pipelines" and "ratePerSecond"';
  if (!isObjectBody(body)) return { problems: [{ field: 'body', message: `body: expected a JSON object such as ${example}` }] };
  const parsed = backfillRequestSchema.safeParse(body);
  if (!parsed.success) return { problems: problemsOf(parsed.error.issues) };
  const { keys, prefix } = parsed.data;
  if ((keys === undefined) === (prefix === undefined)) return { problems: [{ field: 'body', message: `body: give "keys" or "prefix" (one of them) — ${example}` }] };
  return { request: parsed.data };
}
