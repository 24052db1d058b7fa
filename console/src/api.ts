/**
 * The runs API as the console reads it (the same API `orchestra up` serves and the stack deploys),
 * through the typed client generated from the API's route table (lib/client): every answer is read
 * through its schema, and the page declares no answer type of its own. A refused request shows the
 * API's own message and the field it names.
 */
import { createRunsClient, RunsApiError, RunsApiUnreachable } from '../../lib/client/runs-client';
import type { BackfillProgress, DryRun, KeyReport, LogLine, PipelineAnswer, PipelineSummary, RunDetail, RunOutputsAnswer, RunSummary } from '../../lib/contract/run-answers';
import type { StartRunRequest } from '../../lib/contract/runs-api';

/** The API's answer types, as lib/contract declares them (the page declares none of its own). */
export type * from '../../lib/contract/run-answers';
export type { StartRunRequest };

/** The API beside this page: `orchestra up`, or `orchestra console`'s proxy of a deployed one. */
const api = createRunsClient({ baseUrl: new URL('.', document.baseURI).href });

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** What went wrong, as the page says it: the API's own words for a refusal, what to do when it is gone. */
export function problemOf(failure: unknown): { readonly message: string; readonly field?: string } {
  if (failure instanceof RunsApiError) return { message: failure.reason, ...(failure.field === undefined ? {} : { field: failure.field }) };
  if (failure instanceof RunsApiUnreachable)
    return { message: `cannot reach the runs API at ${location.origin} — is \`orchestra up\` (or \`orchestra console\`) still running? This page retries every second.` };
  return { message: failure instanceof Error ? failure.message : String(failure) };
}

export async function listPipelines(): Promise<PipelineSummary[]> {
  return (await api.listPipelines()).body.pipelines;
}

export interface RunFilter {
  readonly pipeline?: string | undefined;
  readonly status?: string | undefined;
  /** A dataset, observation or other key the run was started for. */
  readonly key?: string | undefined;
  /** ISO 8601: runs started at or after. */
  readonly since?: string | undefined;
}

/** One page of runs, newest first, filtered by the API (`GET /runs`): pages of 100, however many runs there are. */
export async function listRuns(filter: RunFilter, nextToken?: string, limit = 100): Promise<{ readonly runs: readonly RunSummary[]; readonly nextToken?: string }> {
  const query: Record<string, string> = { limit: String(limit) };
  for (const [name, value] of Object.entries({ ...filter, nextToken })) if (value !== undefined && value !== '') query[name] = value;
  const { runs, nextToken: next } = (await api.listRunsEverywhere({ query })).body;
  return { runs, ...(next === undefined ? {} : { nextToken: next }) };
}

export async function getRun(pipeline: string, runId: string): Promise<RunDetail> {
  return (await api.inspectRun({ pipeline, runId })).body;
}

/** `POST …/runs?dryRun=true`: everything a start checks, and nothing started. */
export async function dryRun(pipeline: string, request: StartRunRequest): Promise<DryRun> {
  const { body } = await api.startRun({ pipeline, query: { dryRun: 'true' }, body: request });
  if (!('dryRun' in body)) throw new Error('the dry run came back as a started run: is the API older than this page?');
  return body;
}

export async function startRun(pipeline: string, request: StartRunRequest = {}): Promise<{ pipeline: string; runId: string }> {
  const { body } = await api.startRun({ pipeline, body: request });
  return { pipeline, runId: body.runId ?? '' };
}

export async function cancelRun(pipeline: string, runId: string): Promise<void> {
  await api.cancelRun({ pipeline, runId });
}

export async function redriveRun(pipeline: string, runId: string): Promise<void> {
  await api.redriveRun({ pipeline, runId });
}

export async function getPipeline(name: string): Promise<PipelineAnswer> {
  return (await api.describePipeline({ pipeline: name })).body;
}

/** Every log line of the run (the API pages them; the console follows the pages). */
export async function getLogs(pipeline: string, runId: string): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  let nextToken: string | undefined;
  do {
    const { body } = await api.readLogs({ pipeline, runId, ...(nextToken === undefined ? {} : { query: { nextToken } }) });
    lines.push(...body.lines);
    nextToken = body.nextToken;
  } while (nextToken !== undefined);
  return lines;
}

export async function getOutputs(pipeline: string, runId: string, nextToken?: string): Promise<RunOutputsAnswer> {
  return (await api.listOutputs({ pipeline, runId, ...(nextToken === undefined ? {} : { query: { nextToken } }) })).body;
}

/** Each finished step's report, wherever it falls among the run's outputs (`?only=reports`). */
export async function getReports(pipeline: string, runId: string): Promise<RunOutputsAnswer> {
  return (await api.listOutputs({ pipeline, runId, query: { only: 'reports' } })).body;
}

/** A field of a request body as the API's OpenAPI document describes it. */
export interface RequestField {
  readonly name: string;
  readonly type: string;
  readonly description?: string;
}

/** The fields of a request body schema (`components.schemas[name]` of /openapi.json), in the document's order. */
export async function requestFields(schema: string): Promise<RequestField[]> {
  const response = await fetch(new URL('openapi.json', document.baseURI));
  const document_: unknown = await response.json();
  const schemas = isRecord(document_) && isRecord(document_['components']) && isRecord(document_['components']['schemas']) ? document_['components']['schemas'] : {};
  const chosen = schemas[schema];
  const properties = isRecord(chosen) && isRecord(chosen['properties']) ? chosen['properties'] : {};
  return Object.entries(properties).flatMap(([name, property]): RequestField[] => {
    if (!isRecord(property)) return [];
    // No `pattern` on the input: the API's own refusal names the rule (a browser's would not).
    const description = typeof property['description'] === 'string' ? property['description'] : undefined;
    return [{ name, type: typeof property['type'] === 'string' ? property['type'] : 'string', ...(description === undefined ? {} : { description }) }];
  });
}

/** `GET /keys/{key}`: what each keyed pipeline recorded for the key. */
export async function getKey(key: string): Promise<KeyReport> {
  return (await api.describeKey({ key })).body;
}

/** `POST /backfills` for the keys given (the conductor decides again for each, as if it had just arrived). */
export async function startBackfill(keys: readonly string[]): Promise<BackfillProgress> {
  return (await api.startBackfill({ body: { keys: [...keys] } })).body;
}

export async function getBackfill(id: string): Promise<BackfillProgress> {
  return (await api.describeBackfill({ backfillId: id })).body;
}
