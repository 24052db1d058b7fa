/**
 * `orchestra start | cancel | redrive | keys | backfill`: the runs API, on the local `orchestra up` by
 * default or a deployed stack with --api / --stack (lib/cli/runs-api-client.ts). One client for
 * both targets: what works locally works against AWS.
 */
import { readFileSync } from 'node:fs';
import { formatUsd } from '../../contract/prices';
import type { RunDetail } from '../../contract/run-answers';
import { isTerminal, RUN_STATUSES, type RunStatus } from '../../contract/statuses';
import { UsageError } from '../../shared/errors';
import { type JsonRecord, parseJsonObject } from '../../shared/json';
import type { backfillCommand, keysCommand } from '../commands/keys';
import type { cancelCommand, redriveCommand, startCommand } from '../commands/runs';
import type { OptionsOf } from '../commands/shared';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes';
import { type DataDirOption, dataDirOf } from '../local-session';
import type { Output } from '../output';
import { printRun } from '../run-source/print';
import { type ApiTargetOptions, RunsApiClient } from '../runs-api-client';

/** What every command of the runs API takes: where the API is, and --json. */
type RemoteOptions = ApiTargetOptions & DataDirOption & { readonly json?: true | undefined };

const runPath = (pipeline: string, runId: string): string => `/pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(runId)}`;
const connect = (options: RemoteOptions) => RunsApiClient.connect(options, dataDirOf(options));
const statusOf = (run: RunDetail): RunStatus | undefined => RUN_STATUSES.find((status) => status === run.status);

/** `--input` is JSON, or @file with JSON in it. */
function inputOf(value: string | undefined): JsonRecord {
  if (value === undefined) return {};
  const [text, what] = value.startsWith('@') ? [readTextFile(value.slice(1)), value.slice(1)] : [value, '--input'];
  try {
    return parseJsonObject(text, what);
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)} — e.g. --input '{"prefix": "ingest/<pipeline>/<dataset>/"}' or --input @input.json`);
  }
}

function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--input @${file}: cannot read the file`);
  }
}

export async function start(pipeline: string, options: OptionsOf<typeof startCommand>, output: Output): Promise<number> {
  const client = await connect(options);
  const body = { input: inputOf(options.input), ...(options.runId === undefined ? {} : { runId: options.runId }) };
  const answer = await client.api.startRun({
    pipeline,
    body,
    ...(options.dryRun === true ? { query: { dryRun: 'true' } } : {}),
    ...(options.idempotencyKey === undefined ? {} : { headers: { 'Idempotency-Key': options.idempotencyKey } }),
  });
  if ('dryRun' in answer.body) {
    output.out(options.json === true ? JSON.stringify(answer.body, null, 2) : `dry run: the request is valid; nothing started (${JSON.stringify(answer.body.input)})`);
    return EXIT_OK;
  }
  const { runId } = answer.body;
  if (options.json !== true)
    output.out(`${answer.status === 200 ? 'already started' : 'started'}: ${pipeline} ${runId}  (${client.baseUrl}${answer.location ?? runPath(pipeline, runId)})`);
  if (options.wait !== true) {
    if (options.json === true) output.out(JSON.stringify(answer.body, null, 2));
    return EXIT_OK;
  }
  return followRun(client, pipeline, runId, options, output);
}

async function followRun(client: RunsApiClient, pipeline: string, runId: string, options: RemoteOptions, output: Output): Promise<number> {
  let last: RunStatus | undefined;
  for (;;) {
    const { body } = await client.api.inspectRun({ pipeline, runId });
    const status = statusOf(body);
    if (status !== last && options.json !== true) output.out(`${new Date().toISOString().slice(11, 19)} ${status ?? body.status}`);
    last = status;
    if (status !== undefined && isTerminal(status)) {
      printRun(body, options.json === true, output);
      return status === 'SUCCEEDED' ? EXIT_OK : EXIT_RUN_FAILED;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function cancel(pipeline: string, runId: string, options: OptionsOf<typeof cancelCommand>, output: Output): Promise<number> {
  const client = await connect(options);
  await client.api.cancelRun({ pipeline, runId });
  output.out(`cancelling ${pipeline} ${runId}: its running steps are stopped (orchestra status ${pipeline} ${runId})`);
  return EXIT_OK;
}

export async function redrive(pipeline: string, runId: string, options: OptionsOf<typeof redriveCommand>, output: Output): Promise<number> {
  const client = await connect(options);
  await client.api.redriveRun({ pipeline, runId });
  output.out(`redriven: ${pipeline} ${runId} runs again from the steps that did not succeed`);
  return options.wait === true ? followRun(client, pipeline, runId, options, output) : EXIT_OK;
}

/** `orchestra keys <key>`: per keyed pipeline, what arrived for the key, what is missing, which runs it started. */
export async function describeKey(key: string, options: OptionsOf<typeof keysCommand>, output: Output): Promise<number> {
  const client = await connect(options);
  const { body } = await client.api.describeKey({ key });
  if (options.json === true) {
    output.out(JSON.stringify(body, null, 2));
    return EXIT_OK;
  }
  for (const entry of body.pipelines) {
    output.out(`${entry.pipeline}: ${entry.state}${entry.missing.length === 0 ? '' : ` — missing ${entry.missing.join(', ')}`}`);
    for (const item of entry.arrived) output.out(`  arrived  ${item.type.padEnd(20)} ${item.at}  ${item.objectKey}`);
    for (const run of entry.runs) output.out(`  run      ${run.runId}  ${run.status}${run.costUsd === undefined ? '' : `  ${formatUsd(run.costUsd)}`}`);
  }
  if (body.totalUsd !== undefined) output.out(`cost on AWS of its runs: ${formatUsd(body.totalUsd)} (at their durations; orchestra status <pipeline> <run-id> for each step)`);
  return EXIT_OK;
}

const listOption = (text: string | undefined): string[] | undefined =>
  text
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** `orchestra backfill`: plans through the runs API, then (unless --no-wait) follows the progress to the end. */
export async function backfill(options: OptionsOf<typeof backfillCommand>, output: Output): Promise<number> {
  if ((options.keys === undefined) === (options.prefix === undefined)) throw new UsageError('give --keys k1,k2,… or --prefix data/<type>/ (one of them)');
  const keys =
    options.keys?.startsWith('@') === true
      ? readTextFile(options.keys.slice(1))
          .split(/\s+/)
          .filter((key) => key !== '')
      : listOption(options.keys);
  const pipelines = listOption(options.pipelines);
  const client = await connect(options);
  const answer = await client.api.startBackfill({
    body: {
      ...(keys === undefined ? {} : { keys }),
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      ...(pipelines === undefined ? {} : { pipelines }),
      ...(options.rate === undefined ? {} : { ratePerSecond: options.rate }),
    },
  });
  const { id } = answer.body;
  if (options.json !== true) output.out(`backfill ${id}: ${answer.body.total} (pipeline, key) decisions at ${answer.body.ratePerSecond}/s`);
  let body = answer.body;
  while (options.wait !== false && body.status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    body = (await client.api.describeBackfill({ backfillId: id })).body;
    if (options.json !== true) output.out(`${new Date().toISOString().slice(11, 19)} ${body.done}/${body.total} ${outcomesText(body.outcomes)}`);
  }
  if (options.json === true) output.out(JSON.stringify(body, null, 2));
  else if (body.status !== 'RUNNING') {
    output.out(`backfill ${id}: ${body.status}${body.error === undefined ? '' : ` — ${body.error}`}`);
    if (body.cost !== undefined)
      output.out(
        `its ${body.cost.finishedRuns} finished run(s) cost ${formatUsd(body.cost.usd)} on AWS at their durations${body.cost.runningRuns === 0 ? '' : ` (${body.cost.runningRuns} still running)`}`,
      );
  }
  return body.status === 'FAILED' ? EXIT_RUN_FAILED : EXIT_OK;
}

const outcomesText = (outcomes: Readonly<Record<string, number>>): string =>
  Object.entries(outcomes)
    .map(([action, count]) => `${action} ${count}`)
    .join(', ');
