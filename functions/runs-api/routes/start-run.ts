/**
 * `POST /pipelines/{pipeline}/runs`: start a run (202), or answer the run an Idempotency-Key started
 * (200), or with `?dryRun=true` check everything a start checks and start nothing (200, the analytics
 * orchestrator's "testing" mode).
 */
import { createHash } from 'node:crypto';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { apiRunName, startInputProblem, unreadableInputProblem } from '../../../lib/contract/run-key';
import { parseStartRunRequest } from '../../../lib/contract/runs-api';
import { executionArnOf, runIdOf } from '../../../lib/runtime/execution-history';
import { listAllObjects, objectExists } from '../../../lib/runtime/s3-list';
import { type ApiEvent, fail, headerOf, queryOf, type RouteContext, requestOf, runPath } from '../context';
import type { RouteAnswer, RouteHandler } from '../router';

/** Step Functions' cap on an execution's input (UTF-8 bytes). */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;

/** Idempotency keys: printable ASCII, as most HTTP APIs accept them. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

type Reads = { reads?: { bucket: string; keys: string[] } };

/**
 * The run name an Idempotency-Key stands for: the same key always names the same run of a pipeline, so
 * Step Functions keeps it unique. The pipeline is part of it: keys of two pipelines are two namespaces
 * (the local runtime names runs across pipelines, where one key on two pipelines collided).
 */
const runNameForKey = (pipeline: string, key: string): string => `key-${createHash('sha256').update(`${pipeline}\n${key}`).digest('hex').slice(0, 40)}`;

/** The run named `runId` if it exists (for idempotent starts and dry runs). */
const existingRun = (api: RouteContext, arn: string, runId: string) =>
  api.sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(arn, runId) })).catch((error: unknown) => {
    if (error instanceof ExecutionDoesNotExist) return undefined;
    throw error;
  });

/**
 * What a run of a dataset pipeline would read under `prefix`, refused (400) when the files its trigger
 * requires are not all there: the run would fail on its first step.
 */
async function datasetReads(api: RouteContext, pipeline: string, prefix: unknown): Promise<Reads> {
  const trigger = api.describedOf(pipeline)?.trigger;
  const { data } = api.dependencies;
  if (data === undefined || typeof prefix !== 'string' || trigger?.mode !== 'dataset') return {};
  const keys = (await listAllObjects(data.s3, data.bucket, prefix)).map((o) => o.key);
  const required = [...(trigger.requiredFiles ?? []), ...(trigger.marker === undefined ? [] : [trigger.marker])];
  const missing = required.filter((file) => !keys.includes(`${prefix}${file}`));
  if (missing.length > 0)
    fail(
      400,
      `body.input.prefix: s3://${data.bucket}/${prefix} lacks ${missing.join(', ')}, which ${pipeline} needs (${required.join(', ')}) — upload them first`,
      'body.input.prefix',
    );
  return { reads: { bucket: data.bucket, keys } };
}

/** What a run of a per-object pipeline would read: its objects, refused (400) when one is not there. */
async function objectReads(api: RouteContext, keys: readonly string[]): Promise<Reads> {
  const { data } = api.dependencies;
  if (data === undefined) return {};
  const missing = await Promise.all(keys.map(async (key) => ((await objectExists(data.s3, data.bucket, key)) ? undefined : key)));
  const index = missing.findIndex((key) => key !== undefined);
  if (index >= 0)
    fail(
      400,
      `body.input.keys[${index}]: s3://${data.bucket}/${missing[index]} does not exist — upload it first, or give the key of an uploaded object`,
      `body.input.keys[${index}]`,
    );
  return { reads: { bucket: data.bucket, keys: [...keys] } };
}

/** The start's query and headers, checked. */
function optionsOf(event: ApiEvent): { dryRun: boolean; key: string | undefined } {
  const dryRun = queryOf(event, 'dryRun');
  if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') fail(400, `dryRun: "true" or "false", not "${dryRun}"`, 'dryRun');
  const key = headerOf(event, 'idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) fail(400, 'Idempotency-Key: 1-255 printable ASCII characters, no spaces', 'Idempotency-Key');
  return { dryRun: dryRun === 'true', key };
}

export const startRun: RouteHandler<'startRun'> = async (event, api) => {
  const { pipeline, arn } = api.stateMachineOf(event);
  const { dryRun, key } = optionsOf(event);
  const body = requestOf(event, parseStartRunRequest);
  // A run whose input lacks what its steps read would fail at once: the input its trigger gives is asked for.
  const mode = api.modeOf(pipeline);
  const inputProblem = startInputProblem(pipeline, mode, body.input ?? {}) ?? unreadableInputProblem(pipeline, api.describedOf(pipeline)?.inputPrefixes, body.input ?? {});
  if (inputProblem !== undefined) fail(400, inputProblem.message, inputProblem.field);
  const input = JSON.stringify({ ...body.input, source: 'api' });
  const bytes = Buffer.byteLength(input);
  if (bytes > MAX_EXECUTION_INPUT_BYTES)
    fail(400, `body.input: ${bytes} bytes; Step Functions accepts at most ${MAX_EXECUTION_INPUT_BYTES} (256 KiB) — upload the data to S3 and pass its keys`, 'body.input');
  const runId = body.runId ?? (key === undefined ? undefined : runNameForKey(pipeline, key));
  const answerExisting = async (): Promise<RouteAnswer<'startRun'> | undefined> => {
    const existing = runId === undefined ? undefined : await existingRun(api, arn, runId);
    if (existing === undefined || runId === undefined) return undefined;
    if (key === undefined) return fail(409, `run "${runId}" of ${pipeline} already exists: run ids are used once`, 'body.runId');
    const startedAt = (existing.startDate ?? new Date(0)).toISOString();
    return {
      status: 200,
      body: { pipeline, runId, executionArn: existing.executionArn ?? '', status: existing.status ?? 'RUNNING', startedAt },
      location: runPath(pipeline, runId),
    };
  };
  if (dryRun) {
    // The "testing" mode: everything is checked as for a real start, and nothing starts.
    await answerExisting();
    const keys = body.input?.['keys'];
    const reads = mode === 'per-object' && Array.isArray(keys) ? await objectReads(api, keys.map(String)) : await datasetReads(api, pipeline, body.input?.['prefix']);
    return { status: 200, body: { dryRun: true, pipeline, stateMachineArn: arn, runId: runId ?? null, input: JSON.parse(input), inputBytes: bytes, ...reads } };
  }
  if (key !== undefined) {
    const existing = await answerExisting();
    if (existing !== undefined) return existing;
  }
  try {
    // Unnamed, it is named from what it was started for when that is something, so that listing by key finds it.
    const name = runId ?? apiRunName(body.input, mode);
    const started = await api.sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input, ...(name === undefined ? {} : { name }) }));
    const executionArn = started.executionArn ?? '';
    const startedId = runIdOf(executionArn);
    return { status: 202, body: { pipeline, runId: startedId, executionArn, startedAt: (started.startDate ?? new Date()).toISOString() }, location: runPath(pipeline, startedId) };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    // Two requests with one key at once: the second finds the run the first started.
    const existing = key === undefined ? undefined : await answerExisting();
    return existing ?? fail(409, `run "${String(runId)}" of ${pipeline} already exists: run ids are used once`, 'body.runId');
  }
};
