/**
 * `orchestra invoke <pipeline> <step>`: one step alone, in-process on a throwaway embedded runtime,
 * with the event its Task would get — built from the graph, with the dependency results, run input and
 * item given in --event. Prints the result (stdout) or the step's error; the step's lines go to stderr.
 */
import { readFileSync } from 'node:fs';
import { loadPipeline } from '../../catalogue';
import { eventDependenciesOf } from '../../compiler/kinds/task';
import { messageOf, UsageError } from '../../shared/errors';
import { isJsonRecord, type JsonRecord } from '../../shared/json';
import { invokeStep } from '../../testing';
import type { invokeCommand } from '../commands/local-runs';
import type { OptionsOf } from '../commands/shared';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { graphFileOf } from '../local-session';
import type { Output } from '../output';

export type InvokeOptions = OptionsOf<typeof invokeCommand>;

/** What --event may set; the rest of the event (pipeline, step, parameters) comes from the graph. */
const EVENT_FIELDS = ['input', 'dependencies', 'item', 'itemIndex', 'runId'] as const;

function readEvent(source: string): JsonRecord {
  let text: string;
  try {
    text = source === '-' ? readFileSync(0, 'utf8') : readFileSync(source, 'utf8');
  } catch (error) {
    throw new UsageError(`--event ${source}: cannot read it (${messageOf(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--event ${source}: not JSON (${messageOf(error)})`);
  }
  if (!isJsonRecord(value)) throw new UsageError(`--event ${source}: expected a JSON object with any of ${EVENT_FIELDS.join(', ')}`);
  const unknown = Object.keys(value).filter((key) => !EVENT_FIELDS.some((field) => field === key));
  if (unknown.length > 0)
    throw new UsageError(
      `--event ${source}: ${unknown.map((key) => JSON.stringify(key)).join(', ')} cannot be set — only ${EVENT_FIELDS.join(', ')} (the rest comes from the graph)`,
    );
  for (const field of ['input', 'dependencies'] as const) {
    if (value[field] !== undefined && !isJsonRecord(value[field])) throw new UsageError(`--event ${source}: ${field} must be a JSON object`);
  }
  if (value['itemIndex'] !== undefined && !(Number.isSafeInteger(value['itemIndex']) && Number(value['itemIndex']) >= 0))
    throw new UsageError(`--event ${source}: itemIndex must be a whole number from 0`);
  if (value['runId'] !== undefined && (typeof value['runId'] !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(value['runId']))) {
    throw new UsageError(`--event ${source}: runId must be 1 to 80 letters, digits, "-" or "_"`);
  }
  return value;
}

export async function invoke(pipelineOrFile: string, stepId: string, options: InvokeOptions, output: Output): Promise<number> {
  const pipeline = loadPipeline(graphFileOf(pipelineOrFile));
  const step = Object.hasOwn(pipeline.graph.steps, stepId) ? pipeline.graph.steps[stepId] : undefined;
  if (step === undefined) {
    throw new UsageError(`pipeline "${pipeline.name}" has no step "${stepId}" — its steps: ${Object.keys(pipeline.graph.steps).join(', ')}`);
  }
  const event = options.event === undefined ? {} : readEvent(options.event);
  const dependencies = isJsonRecord(event['dependencies']) ? event['dependencies'] : {};
  const missing = eventDependenciesOf(step).filter((dep) => !Object.hasOwn(dependencies, dep));
  if (missing.length > 0) {
    output.err(`warning: no result given for ${missing.join(', ')} (the step gets null): pass {"dependencies": {${missing.map((dep) => `"${dep}": …`).join(', ')}}} in --event`);
  }
  try {
    const invocation = await invokeStep(pipeline.graphFile, stepId, {
      projectRoot: process.cwd(),
      dependencies,
      ...(isJsonRecord(event['input']) ? { input: event['input'] } : {}),
      ...('item' in event ? { item: event['item'] } : {}),
      ...(typeof event['itemIndex'] === 'number' ? { itemIndex: event['itemIndex'] } : {}),
      runId: typeof event['runId'] === 'string' ? event['runId'] : `invoke-${Date.now()}`,
      onLog: (_stream, line) => output.err(`  ${line}`),
      ...(options.iam === false ? { iam: false } : {}),
    });
    output.out(JSON.stringify(invocation.result, null, 2));
    if (invocation.outputs.size > 0) output.err(`wrote ${invocation.outputs.size} object(s) under its output prefix: ${[...invocation.outputs.keys()].join(', ')}`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    output.err(`${pipeline.name}/${stepId} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return EXIT_INVALID;
  }
}
