/**
 * The runs API as the console reads it (the same API `orchestra up` serves and the stack deploys).
 * Answers are checked before use: the page shows the API's own message when a request is refused,
 * and the field it names.
 */

import { type RunDetail, type RunSummary, runDetailSchema, runSummarySchema, type StepOutcome } from '../../lib/contract/run-answers';
import type { RunOutput } from '../../lib/contract/run-outputs';

export type { RunDetail, RunSummary, StepOutcome };

export interface PipelineSummary {
  readonly name: string;
  readonly schedule?: { readonly expression: string; readonly timezone: string; readonly next?: string };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    /** The request field to fix (a JSON path such as body.input.prefix, a query parameter or a header). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

async function call(method: string, url: string, body?: Json): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    // fetch says only "Failed to fetch": say what is gone and what to do.
    throw new ApiError(`cannot reach the runs API at ${location.origin} — is \`orchestra up\` (or \`orchestra console\`) still running? This page retries every second.`);
  }
  const answer: unknown = response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text();
  if (!response.ok)
    throw new ApiError(
      isRecord(answer) && typeof answer['message'] === 'string' ? answer['message'] : `${method} ${url}: HTTP ${response.status}`,
      isRecord(answer) ? text(answer['field']) : undefined,
    );
  return answer;
}

/** A run of a list (`GET /runs` names each run's pipeline; `GET /pipelines/{p}/runs` does not). */
function runSummary(value: unknown, pipeline?: string): RunSummary | undefined {
  const parsed = runSummarySchema.safeParse(isRecord(value) && value['pipeline'] === undefined ? { ...value, pipeline } : value);
  return parsed.success ? parsed.data : undefined;
}

export async function listPipelines(): Promise<PipelineSummary[]> {
  const answer = await call('GET', 'pipelines');
  const pipelines = isRecord(answer) && Array.isArray(answer['pipelines']) ? answer['pipelines'] : [];
  return pipelines.flatMap((p): PipelineSummary[] => {
    if (!isRecord(p) || typeof p['name'] !== 'string') return [];
    const schedule = isRecord(p['schedule']) ? p['schedule'] : undefined;
    const expression = text(schedule?.['expression']);
    const next = text(schedule?.['next']);
    return [
      {
        name: p['name'],
        ...(expression === undefined ? {} : { schedule: { expression, timezone: text(schedule?.['timezone']) ?? 'UTC', ...(next === undefined ? {} : { next }) } }),
      },
    ];
  });
}

export interface RunFilter {
  readonly pipeline?: string | undefined;
  readonly status?: string | undefined;
  /** A dataset, observation or other key the run was started for. */
  readonly key?: string | undefined;
  /** ISO 8601: runs started at or after. */
  readonly since?: string | undefined;
}

export interface RunsPage {
  readonly runs: readonly RunSummary[];
  readonly nextToken?: string;
}

/** One page of runs, newest first, filtered by the API (`GET /runs`): pages of 100, however many runs there are. */
export async function listRuns(filter: RunFilter, nextToken?: string, limit = 100): Promise<RunsPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  for (const [name, value] of Object.entries({ ...filter, nextToken })) if (value !== undefined && value !== '') query.set(name, value);
  const answer = await call('GET', `runs?${query}`);
  const runs = isRecord(answer) && Array.isArray(answer['runs']) ? answer['runs'] : [];
  const next = isRecord(answer) ? text(answer['nextToken']) : undefined;
  return { runs: runs.flatMap((run) => runSummary(run) ?? []), ...(next === undefined ? {} : { nextToken: next }) };
}

export async function getRun(pipeline: string, runId: string): Promise<RunDetail> {
  const answer = await call('GET', `pipelines/${path(pipeline)}/runs/${path(runId)}`);
  const parsed = runDetailSchema.safeParse(answer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(`the run ${runId} came back malformed${issue === undefined ? '' : ` at ${issue.path.join('.') || 'its top'}: ${issue.message}`}`);
  }
  return parsed.data;
}

export interface StartRequest {
  readonly runId?: string;
  readonly input?: Record<string, Json>;
}

export interface DryRun {
  readonly runId: string | null;
  readonly input: unknown;
  readonly inputBytes: number;
  readonly reads?: { readonly bucket: string; readonly keys: readonly string[] };
}

/** `POST …/runs?dryRun=true`: everything a start checks, and nothing started. */
export async function dryRun(pipeline: string, request: StartRequest): Promise<DryRun> {
  const answer = await call('POST', `pipelines/${path(pipeline)}/runs?dryRun=true`, { ...request });
  if (!isRecord(answer)) throw new ApiError('the dry run came back empty');
  const reads = isRecord(answer['reads']) ? { bucket: text(answer['reads']['bucket']) ?? '', keys: texts(answer['reads']['keys']) } : undefined;
  return {
    runId: text(answer['runId']) ?? null,
    input: answer['input'],
    inputBytes: typeof answer['inputBytes'] === 'number' ? answer['inputBytes'] : 0,
    ...(reads === undefined ? {} : { reads }),
  };
}

export async function startRun(pipeline: string, request: StartRequest = {}): Promise<{ pipeline: string; runId: string }> {
  const answer = await call('POST', `pipelines/${path(pipeline)}/runs`, { ...request });
  const runId = isRecord(answer) ? text(answer['runId']) : undefined;
  if (runId === undefined) throw new ApiError('the started run came back without its id');
  return { pipeline, runId };
}

export async function cancelRun(pipeline: string, runId: string): Promise<void> {
  await call('DELETE', `pipelines/${path(pipeline)}/runs/${path(runId)}`);
}

export async function redriveRun(pipeline: string, runId: string): Promise<void> {
  await call('POST', `pipelines/${path(pipeline)}/runs/${path(runId)}/redrive`, {});
}

export interface PipelineShape {
  readonly name: string;
  readonly description?: string;
  readonly steps: Readonly<Record<string, { readonly kind: string; readonly dependsOn: readonly string[]; readonly description?: string }>>;
  readonly trigger?: {
    readonly ingestPrefix?: string;
    readonly mode?: string;
    readonly requiredFiles: readonly string[];
    readonly schedule?: string;
    readonly timezone?: string;
  };
  readonly next?: string;
}

export async function getPipeline(name: string): Promise<PipelineShape> {
  const answer = await call('GET', `pipelines/${path(name)}`);
  if (!isRecord(answer)) throw new ApiError(`pipeline ${name} came back empty`);
  const steps: Record<string, { kind: string; dependsOn: string[]; description?: string }> = {};
  for (const [id, step] of Object.entries(isRecord(answer['steps']) ? answer['steps'] : {})) {
    if (!isRecord(step)) continue;
    const description = text(step['description']);
    steps[id] = { kind: text(step['kind']) ?? 'step', dependsOn: texts(step['dependsOn']), ...(description === undefined ? {} : { description }) };
  }
  const t = isRecord(answer['trigger']) ? answer['trigger'] : undefined;
  const optional = (value: unknown, name: string) => (text(value) === undefined ? {} : { [name]: text(value) });
  const description = text(answer['description']);
  const next = isRecord(answer['schedule']) ? text(answer['schedule']['next']) : undefined;
  return {
    name,
    steps,
    ...(description === undefined ? {} : { description }),
    ...(next === undefined ? {} : { next }),
    ...(t === undefined
      ? {}
      : {
          trigger: {
            requiredFiles: texts(t['requiredFiles']),
            ...optional(t['ingestPrefix'], 'ingestPrefix'),
            ...optional(t['mode'], 'mode'),
            ...optional(t['schedule'], 'schedule'),
            ...optional(t['timezone'], 'timezone'),
          },
        }),
  };
}

export interface LogLine {
  readonly time: string;
  readonly step?: string;
  readonly message: string;
}

/** Every log line of the run (the API pages them; the console follows the pages). */
export async function getLogs(pipeline: string, runId: string): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  let token: string | undefined;
  do {
    const answer = await call('GET', `pipelines/${path(pipeline)}/runs/${path(runId)}/logs${token === undefined ? '' : `?nextToken=${encodeURIComponent(token)}`}`);
    for (const line of isRecord(answer) && Array.isArray(answer['lines']) ? answer['lines'] : []) {
      if (!isRecord(line) || typeof line['message'] !== 'string') continue;
      const step = text(line['step']);
      lines.push({ time: text(line['time']) ?? '', message: line['message'], ...(step === undefined ? {} : { step }) });
    }
    token = isRecord(answer) ? text(answer['nextToken']) : undefined;
  } while (token !== undefined);
  return lines;
}

/** The API's own definition (lib/contract): one source of truth for the function and the page. */
export type { RunOutput };

/** A page of a run's outputs; `nextToken` when there are more. */
export interface OutputsPage {
  readonly outputs: RunOutput[];
  readonly nextToken?: string;
}

export async function getOutputs(pipeline: string, runId: string, nextToken?: string): Promise<OutputsPage> {
  const query = nextToken === undefined ? '' : `?nextToken=${encodeURIComponent(nextToken)}`;
  const answer = await call('GET', `pipelines/${path(pipeline)}/runs/${path(runId)}/outputs${query}`);
  const listed = isRecord(answer) && Array.isArray(answer['outputs']) ? answer['outputs'] : [];
  const outputs = listed.flatMap((o): RunOutput[] => {
    if (!isRecord(o)) return [];
    const [key, step, file, contentType, url, downloadUrl] = [o['key'], o['step'], o['path'], o['contentType'], o['url'], o['downloadUrl']].map(text);
    if (key === undefined || step === undefined || file === undefined || contentType === undefined || url === undefined || downloadUrl === undefined) return [];
    const preview = text(o['preview']);
    const size = typeof o['size'] === 'number' ? o['size'] : 0;
    return [
      { key, step, path: file, contentType, url, downloadUrl, size, ...(preview === undefined ? {} : { preview }), ...(o['unfinished'] === true ? { unfinished: true } : {}) },
    ];
  });
  const next = isRecord(answer) ? text(answer['nextToken']) : undefined;
  return { outputs, ...(next === undefined ? {} : { nextToken: next }) };
}

/** A field of a request body as the API's OpenAPI document describes it. */
export interface RequestField {
  readonly name: string;
  readonly type: string;
  readonly description?: string;
}

/** The fields of a request body schema (`components.schemas[name]` of /openapi.json), in the document's order. */
export async function requestFields(schema: string): Promise<RequestField[]> {
  const document = await call('GET', 'openapi.json');
  const schemas = isRecord(document) && isRecord(document['components']) && isRecord(document['components']['schemas']) ? document['components']['schemas'] : {};
  const chosen = schemas[schema];
  const properties = isRecord(chosen) && isRecord(chosen['properties']) ? chosen['properties'] : {};
  return Object.entries(properties).flatMap(([name, property]): RequestField[] => {
    if (!isRecord(property)) return [];
    // No `pattern` on the input: the API's own refusal names the rule (a browser's would not).
    const description = text(property['description']);
    return [{ name, type: text(property['type']) ?? 'string', ...(description === undefined ? {} : { description }) }];
  });
}

export interface KeyPipelineReport {
  readonly pipeline: string;
  readonly state: string;
  readonly firstSeen: string;
  readonly arrived: ReadonlyArray<{ readonly type: string; readonly objectKey: string; readonly at: string }>;
  readonly missing: readonly string[];
  readonly runs: ReadonlyArray<{ readonly runId: string; readonly status: string; readonly claimedAt: string }>;
}

/** `GET /keys/{key}`: what each keyed pipeline recorded for the key. */
export async function getKey(key: string): Promise<KeyPipelineReport[]> {
  const answer = await call('GET', `keys/${path(key)}`);
  const pipelines = isRecord(answer) && Array.isArray(answer['pipelines']) ? answer['pipelines'] : [];
  return pipelines.flatMap((p): KeyPipelineReport[] => {
    if (!isRecord(p) || typeof p['pipeline'] !== 'string') return [];
    const records = (value: unknown) => (Array.isArray(value) ? value.filter(isRecord) : []);
    return [
      {
        pipeline: p['pipeline'],
        state: text(p['state']) ?? '',
        firstSeen: text(p['firstSeen']) ?? '',
        missing: texts(p['missing']),
        arrived: records(p['arrived']).map((a) => ({ type: text(a['type']) ?? '', objectKey: text(a['objectKey']) ?? '', at: text(a['at']) ?? '' })),
        runs: records(p['runs']).map((r) => ({ runId: text(r['runId']) ?? '', status: text(r['status']) ?? '', claimedAt: text(r['claimedAt']) ?? '' })),
      },
    ];
  });
}

export interface BackfillProgress {
  readonly id: string;
  readonly status: string;
  readonly total: number;
  readonly done: number;
}

function backfillOf(answer: unknown): BackfillProgress {
  if (!isRecord(answer) || typeof answer['id'] !== 'string') throw new ApiError('the backfill came back without its id');
  const count = (value: unknown) => (typeof value === 'number' ? value : 0);
  return { id: answer['id'], status: text(answer['status']) ?? '', total: count(answer['total']), done: count(answer['done']) };
}

/** `POST /backfills` for the keys given (the conductor decides again for each, as if it had just arrived). */
export async function startBackfill(keys: readonly string[]): Promise<BackfillProgress> {
  return backfillOf(await call('POST', 'backfills', { keys: [...keys] }));
}

export async function getBackfill(id: string): Promise<BackfillProgress> {
  return backfillOf(await call('GET', `backfills/${path(id)}`));
}
