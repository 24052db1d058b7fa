/**
 * A pipeline graph → an Airflow 3 DAG file (`from airflow.sdk import DAG`) that runs the same steps in
 * the same order against the deployed stack: Lambda steps through the Amazon provider's
 * LambdaInvokeFunctionOperator, container steps through EcsRunTaskOperator, simulate steps as a
 * small Python task, pipeline steps as TriggerDagRunOperator on the child's exported DAG. Each step
 * gets the event (or environment) it gets from Step Functions, built from the DAG run: its
 * dependencies' results come from XCom. Retries, timeouts and the schedule are carried over; what
 * Airflow cannot say the same way is written as a comment in the file.
 */

import { CONTAINER_ENV, dependencyEnvName } from '../contract/environment';
import { outputPrefixFor } from '../contract/step-event';
import { resolveStep } from '../graph/resolve-step';
import type { PipelineGraph, Step } from '../graph/schema';
import { OrchestraError } from '../shared/errors';

/** Names from a deployed stack's outputs; placeholders where absent. */
export interface AirflowTargets {
  readonly bucket?: string;
  /** By step id: a Lambda step's function name, a container step's task definition ARN. */
  readonly steps?: Readonly<Record<string, string>>;
  readonly cluster?: string;
  readonly subnets?: readonly string[];
  readonly securityGroups?: readonly string[];
}

export class AirflowExportError extends OrchestraError {
  override readonly name = 'AirflowExportError';
  constructor(message: string) {
    super('airflow-export', message);
  }
}

/** A character as a Python escape: \\xNN, \\uNNNN, or \\UNNNNNNNN beyond the BMP (two \\u halves would be two lone surrogates). */
function pythonEscape(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  const hex = code.toString(16);
  return code <= 0xff ? `\\x${hex.padStart(2, '0')}` : code <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}

/** Every character outside printable ASCII escaped, for a string literal that is already quoted. */
const asciiEscaped = (text: string): string => text.replace(/[^\x20-\x7e]/gu, pythonEscape);

/** A JSON string literal is a valid Python string literal (same escapes); the file stays printable ASCII. */
const py = (text: string): string => asciiEscaped(JSON.stringify(text));

/** Text for a `#` comment: one line, no control character (a NUL makes the file no Python at all). */
const comment = (text: string): string => asciiEscaped(text.replace(/[\s\p{Cc}]+/gu, ' ').trim());

/**
 * Data inside a field Airflow renders with Jinja: text that Jinja would read as a template ("{{", "{%",
 * "{#") becomes a Jinja string literal that renders to itself — else `{{ var.value.x }}` in a parameter
 * was evaluated by Airflow, and `{%` failed the task. Jinja string literals take Python's escapes.
 */
function jinjaSafe(text: string): string {
  if (!/\{[{%#]/.test(text)) return text;
  return `{{ "${text.replace(/[\\"{}]|[^\x20-\x7e]/gu, pythonEscape)}" }}`;
}

/** A value for a templated field: every string in it Jinja-safe (Airflow renders the strings of lists and dict values). */
function templatedData(value: unknown): unknown {
  if (typeof value === 'string') return jinjaSafe(value);
  if (Array.isArray(value)) return value.map(templatedData);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, templatedData(item)]));
  return value;
}

/** A JSON value as Python: JSON with true/false/null spelled the Python way (outside strings). */
function pyValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None';
  if (typeof value === 'string') return py(value);
  if (Array.isArray(value)) return `[${value.map(pyValue).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${py(key)}: ${pyValue(item)}`)
    .join(', ')}}`;
}

/** Python's keywords and every name the DAG file itself defines or imports: a step named `simulate` or `PythonOperator` shadowed them. */
const RESERVED = new Set([
  ...'False None True and as assert async await break case class continue def del elif else except finally for from global if import in is lambda match nonlocal not or pass raise return try type while with yield'.split(
    ' ',
  ),
  ...'annotations json random time timedelta dag DAG task simulate LambdaInvokeFunctionOperator EcsRunTaskOperator PythonOperator TriggerDagRunOperator CronTriggerTimetable'.split(
    ' ',
  ),
]);

/** Python variable names for the step ids: identifiers, no keyword or module name, unique. */
function variableNames(stepIds: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const id of stepIds) {
    let name = id.replace(/[^A-Za-z0-9_]/g, '_');
    if (/^[0-9]/.test(name) || RESERVED.has(name)) name = `step_${name}`;
    let unique = name;
    for (let n = 2; used.has(unique); n++) unique = `${name}_${n}`;
    used.add(unique);
    names.set(id, unique);
  }
  return names;
}

/**
 * AWS numbers weekdays 1-7 from Sunday, cron 0-6: numbers shift, names stay, and what follows "#" (the
 * nth weekday of the month) is no weekday (MON#2 became MON#1).
 */
const cronWeekdays = (field: string): string => field.replace(/(^|[^#\d])(\d+)/g, (_whole, before: string, day: string) => `${before}${Number(day) - 1}`);

/**
 * EventBridge Scheduler's expression as Airflow's `schedule`: a timedelta for rate(), a five-field cron
 * for cron() — in its time zone through CronTriggerTimetable when it is not UTC (a bare cron string
 * runs in the DAG's zone, UTC: 02:00 Paris ran at 02:00 UTC).
 */
export function airflowSchedule(expression: string | undefined, timezone = 'UTC'): { readonly value: string; readonly note?: string } {
  if (expression === undefined) return { value: 'None' };
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate !== null) {
    const unit = (rate[2] ?? '').replace(/s?$/, 's');
    return { value: `timedelta(${unit}=${rate[1]})` };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  const fields = cron?.[1]?.trim().split(/\s+/);
  if (fields === undefined || fields.length !== 6) throw new AirflowExportError(`trigger.schedule: "${expression}" is neither rate(…) nor a six-field cron(…)`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  const five = [minutes, hours, (dayOfMonth ?? '*').replace('?', '*'), month, cronWeekdays(dayOfWeek ?? '*').replace('?', '*')].join(' ');
  const value = timezone === 'UTC' ? py(five) : `CronTriggerTimetable(${py(five)}, timezone=${py(timezone)})`;
  return year === '*' ? { value } : { value, note: `AWS's year field "${year}" has no Airflow equivalent: set start_date/end_date to bound the years` };
}

const jinja = (expression: string): string => `{{ ${expression} }}`;

/**
 * A dependency's result as JSON text in a template: LambdaInvokeFunctionOperator pushes the function's
 * answer as JSON text already; the other operators push Python values.
 */
const resultOf = (graph: PipelineGraph, dep: string): string =>
  graph.steps[dep]?.kind === 'lambda' ? jinja(`ti.xcom_pull(task_ids=${py(dep)})`) : jinja(`ti.xcom_pull(task_ids=${py(dep)}) | tojson`);

/** The step event Step Functions builds (lib/kinds/task.ts), as a Jinja-templated JSON text. */
function stepEventTemplate(graph: PipelineGraph, id: string, step: Step): string {
  const dependencies = (step.dependsOn ?? []).map((dep) => `${JSON.stringify(dep)}: ${resultOf(graph, dep)}`).join(', ');
  const parts = [
    `"pipeline": ${JSON.stringify(graph.name)}`,
    `"step": ${JSON.stringify(id)}`,
    `"runId": "${jinja('run_id')}"`,
    `"input": ${jinja('dag_run.conf | tojson')}`,
    `"dependencies": {${dependencies}}`,
    ...(step.parameters === undefined ? [] : [`"parameters": ${jinjaSafe(JSON.stringify(step.parameters))}`]),
  ];
  return `{${parts.join(', ')}}`;
}

function policyArguments(graph: PipelineGraph, step: Step): string[] {
  const retry = resolveStep(graph, step).retry;
  const retries = retry.maxAttempts - 1;
  const out = [`retries=${retries}`, `execution_timeout=timedelta(seconds=${resolveStep(graph, step).timeoutSeconds})`];
  if (retries > 0) {
    out.push(`retry_delay=timedelta(seconds=${retry.intervalSeconds})`);
    // Airflow doubles the delay; Step Functions multiplies it by backoffRate.
    if (retry.backoffRate > 1) out.push('retry_exponential_backoff=True');
    if (retry.maxDelaySeconds !== undefined) out.push(`max_retry_delay=timedelta(seconds=${retry.maxDelaySeconds})`);
  }
  return out;
}

const placeholder = (what: string): string => `<${what}>`;

/** Orchestra's built-in simulate step (functions/simulate-step) in Python, for the DAG's simulate tasks. */
const SIMULATE_FUNCTION = [
  'def simulate(duration_ms, failure_rate, output):',
  '    """Orchestra built-in simulate step: works for duration_ms (or a random time in [min, max]), then fails with probability failure_rate."""',
  '    import random',
  '    import time',
  '',
  '    low, high = duration_ms if isinstance(duration_ms, list) else (duration_ms, duration_ms)',
  '    time.sleep(random.uniform(low, high) / 1000)',
  '    if random.random() < failure_rate:',
  '        raise RuntimeError("simulated failure")',
  '    return output',
  '',
  '',
];

function operatorFor(graph: PipelineGraph, id: string, step: Step, variable: string, targets: AirflowTargets): string[] {
  const policies = policyArguments(graph, step);
  const described = step.description === undefined ? [] : [`    # ${comment(step.description)}`];
  const call = (operator: string, args: readonly string[]) => [
    ...described,
    `    ${variable} = ${operator}(`,
    ...[`task_id=${py(id)}`, ...args, ...policies].map((arg) => `        ${arg},`),
    '    )',
  ];
  switch (step.kind) {
    case 'lambda':
      return call('LambdaInvokeFunctionOperator', [
        `function_name=${py(targets.steps?.[id] ?? placeholder(`function of ${graph.name}/${id}`))}`,
        `payload=${py(stepEventTemplate(graph, id, step))}`,
      ]);
    case 'simulate':
      return call('PythonOperator', [
        'python_callable=simulate',
        `op_kwargs=${pyValue(templatedData({ duration_ms: step.durationMs ?? 0, failure_rate: step.failureRate ?? 0, output: step.output ?? { ok: true } }))}`,
      ]);
    case 'container': {
      const environment = [
        [CONTAINER_ENV.pipeline, graph.name],
        [CONTAINER_ENV.step, id],
        [CONTAINER_ENV.runId, jinja('run_id')],
        [CONTAINER_ENV.bucket, targets.bucket ?? placeholder('data bucket')],
        [CONTAINER_ENV.outputPrefix, outputPrefixFor(graph.name, jinja('run_id'), id)],
        [CONTAINER_ENV.input, jinja('dag_run.conf | tojson')],
        [CONTAINER_ENV.dependencies, (step.dependsOn ?? []).join(',')],
        ...(step.dependsOn ?? []).map((dep) => [dependencyEnvName(dep), resultOf(graph, dep)]),
        ...(step.parameters === undefined ? [] : [[CONTAINER_ENV.parameters, jinjaSafe(JSON.stringify(step.parameters))]]),
      ].map(([name, value]) => ({ name, value }));
      return call('EcsRunTaskOperator', [
        `cluster=${py(targets.cluster ?? placeholder('ECS cluster'))}`,
        `task_definition=${py(targets.steps?.[id] ?? placeholder(`task definition of ${graph.name}/${id}`))}`,
        'launch_type="FARGATE"',
        `overrides=${pyValue({ containerOverrides: [{ name: 'step', environment }] })}`,
        `network_configuration=${pyValue({
          awsvpcConfiguration: {
            subnets: targets.subnets ?? [placeholder('subnet')],
            securityGroups: targets.securityGroups ?? [placeholder('security group')],
            assignPublicIp: 'ENABLED',
          },
        })}`,
      ]);
    }
    case 'pipeline':
      return call('TriggerDagRunOperator', [
        `trigger_dag_id=${py(step.pipeline)}`,
        'wait_for_completion=True',
        `conf=${pyValue({ ...(templatedData(step.input ?? {}) as object), source: 'pipeline', parent: { pipeline: graph.name, step: id, runId: jinja('run_id') } })}`,
      ]);
    case 'service':
      throw new AirflowExportError(
        `steps.${id} is a service step: Airflow has no equivalent of waiting on a task token for a callback — export the pipeline without it, or run it from Orchestra`,
      );
  }
}

export function exportAirflow(graph: PipelineGraph, targets: AirflowTargets = {}): string {
  const ids = Object.keys(graph.steps);
  const names = variableNames(ids);
  const schedule = airflowSchedule(graph.trigger?.schedule, graph.trigger?.timezone);
  const kinds = new Set(Object.values(graph.steps).map((step) => step.kind));
  const failFast = Object.values(graph.steps).every((step) => resolveStep(graph, step).onFailure === 'fail');
  const started = graph.trigger?.ingestPrefix ?? (graph.trigger?.mode === 'keyed' ? `${graph.trigger.dataPrefix ?? 'data/'}<type>/<key>/` : undefined);
  // A string literal, not a triple-quoted block: a description may hold backslashes (a Windows path) or a NUL.
  const docstring = [
    `${graph.name}: exported from Orchestra by \`orchestra export airflow\`.`,
    ...(graph.description === undefined ? [] : ['', graph.description]),
    '',
    'Generated from the pipeline graph: change the graph and export again rather than editing this file.',
  ].join('\n');
  const lines = [
    py(docstring),
    '',
    'from __future__ import annotations',
    '',
    'from datetime import timedelta',
    '',
    ...(kinds.has('container') ? ['from airflow.providers.amazon.aws.operators.ecs import EcsRunTaskOperator'] : []),
    ...(kinds.has('lambda') ? ['from airflow.providers.amazon.aws.operators.lambda_function import LambdaInvokeFunctionOperator'] : []),
    ...(kinds.has('simulate') ? ['from airflow.providers.standard.operators.python import PythonOperator'] : []),
    ...(kinds.has('pipeline') ? ['from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator'] : []),
    'from airflow.sdk import DAG',
    ...(schedule.value.startsWith('CronTriggerTimetable') ? ['from airflow.timetables.trigger import CronTriggerTimetable'] : []),
    '',
    ...(kinds.has('simulate') ? SIMULATE_FUNCTION : []),
    ...(started === undefined ? [] : [`# ${comment(`In Orchestra, objects under ${started} start runs; here, trigger the DAG with their run input as conf.`)}`]),
    ...(schedule.note === undefined ? [] : [`# ${comment(schedule.note)}`]),
    'with DAG(',
    `    dag_id=${py(graph.name)},`,
    ...(graph.description === undefined ? [] : [`    description=${py(graph.description.slice(0, 500))},`]),
    `    schedule=${schedule.value},`,
    '    catchup=False,',
    // Orchestra's default: the first failure fails the run and starts nothing new.
    ...(failFast ? ['    fail_fast=True,'] : []),
    '    tags=["orchestra"],',
    ') as dag:',
  ];
  for (const id of ids) {
    const step = graph.steps[id];
    if (step === undefined) continue;
    lines.push(...operatorFor(graph, id, step, names.get(id) ?? id, targets), '');
  }
  const edges = ids.flatMap((id) => (graph.steps[id]?.dependsOn ?? []).map((dep) => `    ${names.get(dep)} >> ${names.get(id)}`));
  lines.push(...edges);
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
