/**
 * The runs API as the console reads it (the same API `orchestra up` serves and the stack deploys).
 * Answers are checked before use: the page shows the API's own message when a request is refused.
 */

export interface RunSummary {
  readonly pipeline: string;
  readonly runId: string;
  readonly status: string;
  readonly startedAt: string;
  readonly stoppedAt?: string;
}

export interface StepState {
  readonly status: string;
  readonly attempts: number;
  readonly error?: string;
  readonly cause?: string;
}

export interface RunDetail extends RunSummary {
  readonly error?: string;
  readonly cause?: string;
  readonly steps: Readonly<Record<string, StepState>>;
}

export interface PipelineSummary {
  readonly name: string;
  readonly schedule?: { readonly expression: string; readonly timezone: string; readonly next?: string };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

async function call(method: string, path: string, body?: Json): Promise<unknown> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer: unknown = response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(isRecord(answer) && typeof answer['message'] === 'string' ? answer['message'] : `${method} ${path}: HTTP ${response.status}`);
  return answer;
}

function runSummary(value: unknown, pipeline?: string): RunSummary | undefined {
  if (!isRecord(value)) return undefined;
  const runId = text(value['runId']);
  const status = text(value['status']);
  const startedAt = text(value['startedAt']);
  const owner = text(value['pipeline']) ?? pipeline;
  if (runId === undefined || status === undefined || startedAt === undefined || owner === undefined) return undefined;
  const stoppedAt = text(value['stoppedAt']);
  return { pipeline: owner, runId, status, startedAt, ...(stoppedAt === undefined ? {} : { stoppedAt }) };
}

export async function listPipelines(): Promise<PipelineSummary[]> {
  const answer = await call('GET', 'pipelines');
  const pipelines = isRecord(answer) && Array.isArray(answer['pipelines']) ? answer['pipelines'] : [];
  return pipelines.flatMap((p): PipelineSummary[] => {
    if (!isRecord(p) || typeof p['name'] !== 'string') return [];
    const schedule = isRecord(p['schedule']) ? p['schedule'] : undefined;
    const expression = text(schedule?.['expression']);
    const next = Array.isArray(schedule?.['next']) ? text(schedule['next'][0]) : text(schedule?.['next']);
    return [
      {
        name: p['name'],
        ...(expression === undefined ? {} : { schedule: { expression, timezone: text(schedule?.['timezone']) ?? 'UTC', ...(next === undefined ? {} : { next }) } }),
      },
    ];
  });
}

export async function listRuns(pipeline?: string): Promise<RunSummary[]> {
  const answer = await call('GET', pipeline === undefined ? 'runs' : `pipelines/${encodeURIComponent(pipeline)}/runs`);
  const runs = isRecord(answer) && Array.isArray(answer['runs']) ? answer['runs'] : [];
  return runs.flatMap((run) => runSummary(run, pipeline) ?? []);
}

export async function getRun(pipeline: string, runId: string): Promise<RunDetail> {
  const answer = await call('GET', `pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(runId)}`);
  const summary = runSummary(answer, pipeline);
  if (summary === undefined || !isRecord(answer)) throw new ApiError(`the run ${runId} came back without its id, status or start time`);
  const steps: Record<string, StepState> = {};
  for (const [id, step] of Object.entries(isRecord(answer['steps']) ? answer['steps'] : {})) {
    if (!isRecord(step) || typeof step['status'] !== 'string') continue;
    const error = text(step['error']);
    const cause = text(step['cause']);
    steps[id] = {
      status: step['status'],
      attempts: typeof step['attempts'] === 'number' ? step['attempts'] : 0,
      ...(error === undefined ? {} : { error }),
      ...(cause === undefined ? {} : { cause }),
    };
  }
  const error = text(answer['error']);
  const cause = text(answer['cause']);
  return { ...summary, steps, ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) };
}

export async function startRun(pipeline: string): Promise<{ pipeline: string; runId: string }> {
  const answer = await call('POST', `pipelines/${encodeURIComponent(pipeline)}/runs`, {});
  const runId = isRecord(answer) ? text(answer['runId']) : undefined;
  if (runId === undefined) throw new ApiError('the started run came back without its id');
  return { pipeline, runId };
}

export async function cancelRun(pipeline: string, runId: string): Promise<void> {
  await call('DELETE', `pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(runId)}`);
}

export interface PipelineShape {
  readonly name: string;
  readonly steps: Readonly<Record<string, { readonly kind: string; readonly dependsOn: readonly string[] }>>;
}

export async function getPipeline(name: string): Promise<PipelineShape> {
  const answer = await call('GET', `pipelines/${encodeURIComponent(name)}`);
  const steps: Record<string, { kind: string; dependsOn: string[] }> = {};
  for (const [id, step] of Object.entries(isRecord(answer) && isRecord(answer['steps']) ? answer['steps'] : {})) {
    if (!isRecord(step)) continue;
    const dependsOn = Array.isArray(step['dependsOn']) ? step['dependsOn'].filter((dep): dep is string => typeof dep === 'string') : [];
    steps[id] = { kind: text(step['kind']) ?? 'step', dependsOn };
  }
  return { name, steps };
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
    const answer = await call(
      'GET',
      `pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(runId)}/logs${token === undefined ? '' : `?nextToken=${encodeURIComponent(token)}`}`,
    );
    for (const line of isRecord(answer) && Array.isArray(answer['lines']) ? answer['lines'] : []) {
      if (!isRecord(line) || typeof line['message'] !== 'string') continue;
      const step = text(line['step']);
      lines.push({ time: text(line['time']) ?? '', message: line['message'], ...(step === undefined ? {} : { step }) });
    }
    token = isRecord(answer) ? text(answer['nextToken']) : undefined;
  } while (token !== undefined);
  return lines;
}

export async function redriveRun(pipeline: string, runId: string): Promise<void> {
  await call('POST', `pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(runId)}/redrive`, {});
}
