/**
 * What each step of a run used on AWS, from CloudWatch Logs:
 * - a Lambda step: its invocations' request ids from the handler's own "step started" line (Powertools
 *   JSON with runId and function_request_id), then Lambda's `platform.report` record of each (the JSON
 *   log format's REPORT line: duration, billed duration, memory size, max memory used, init duration);
 * - a container step: its tasks' ids from the run's history (ecs:runTask.sync's answer), then the
 *   Container Insights "Task" samples of each (peak MemoryUtilized; CPU time estimated from the mean
 *   CpuUtilized over the task's duration), in the cluster's performance log group.
 * Every query is bounded by the run's span, as the log reader's are.
 */
import { type CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { PipelineDescription } from '../contract/pipeline-description';
import { fargateBilledSeconds } from '../contract/prices';
import type { InvocationUsage } from '../contract/run-answers';
import { isJsonRecord } from '../shared/json';
import { historyWalker } from './execution-history';
import type { RunUsage } from './run-usage';

/** Ids per filter pattern: CloudWatch caps a pattern at 1,024 characters. */
const IDS_PER_QUERY = 10;
const SPAN_BEFORE_MS = 60_000;
/** Lambda writes REPORT as the invocation ends; Container Insights' samples come a minute or more later. */
const SPAN_AFTER_MS = 600_000;
/** Fargate CPU units per vCPU. */
const CPU_UNITS_PER_VCPU = 1024;

type Span = { readonly startTime?: number; readonly endTime?: number };
type Usages = Record<string, InvocationUsage[]>;

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const jsonOf = (message: string | undefined): Record<string, unknown> | undefined => {
  const start = message?.indexOf('{') ?? -1;
  if (message === undefined || start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    return isJsonRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};

const numberOf = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

export function cloudWatchRunUsage(
  client: CloudWatchLogsClient,
  descriptions: Readonly<Record<string, PipelineDescription>>,
  /** The cluster's Container Insights performance log group, when the stack runs container steps. */
  containerInsightsLogGroup?: string,
): RunUsage {
  /** Every JSON event of a group matching a pattern in the span. */
  async function* eventsOf(logGroupName: string, filterPattern: string, span: Span) {
    for await (const page of paginateFilterLogEvents({ client }, { logGroupName, filterPattern, ...span }))
      for (const event of page.events ?? []) {
        const json = jsonOf(event.message);
        if (json !== undefined) yield { json, timestamp: event.timestamp ?? 0 };
      }
  }

  /** Lambda steps: request ids from "step started", then their REPORT records. */
  async function lambdaUsage(described: PipelineDescription, runId: string, span: Span, into: Usages): Promise<void> {
    const groups = new Map<string, Set<string>>();
    for (const [id, step] of Object.entries(described.steps))
      if (step.pricing?.runsOn === 'lambda' && step.logGroup !== undefined) groups.set(step.logGroup, (groups.get(step.logGroup) ?? new Set()).add(id));
    for (const [group, steps] of groups) {
      const stepOfRequest = new Map<string, string>();
      for await (const { json } of eventsOf(group, `{ $.runId = "${runId}" && $.message = "step started" }`, span)) {
        const step = json['step'];
        const request = json['function_request_id'];
        if (typeof step === 'string' && steps.has(step) && typeof request === 'string') stepOfRequest.set(request, step);
      }
      for (const ids of chunks([...stepOfRequest.keys()], IDS_PER_QUERY)) {
        const pattern = `{ $.type = "platform.report" && (${ids.map((id) => `$.record.requestId = "${id}"`).join(' || ')}) }`;
        for await (const { json } of eventsOf(group, pattern, span)) {
          const record = isJsonRecord(json['record']) ? json['record'] : {};
          const step = typeof record['requestId'] === 'string' ? stepOfRequest.get(record['requestId']) : undefined;
          const usage = reportUsage(json, record);
          if (step !== undefined && usage !== undefined) (into[step] ??= []).push(usage);
        }
      }
    }
  }

  /** Container steps: their tasks from the history, then Container Insights' samples of each. */
  async function containerUsage(described: PipelineDescription, history: readonly HistoryEvent[], span: Span, into: Usages): Promise<void> {
    const tasks = containerTasksOf(history, described);
    if (tasks.size === 0) return;
    const samples = new Map<string, Array<Record<string, unknown>>>();
    if (containerInsightsLogGroup !== undefined)
      for (const ids of chunks([...tasks.keys()], IDS_PER_QUERY)) {
        const pattern = `{ $.Type = "Task" && (${ids.map((id) => `$.TaskId = "${id}"`).join(' || ')}) }`;
        for await (const { json } of eventsOf(containerInsightsLogGroup, pattern, span)) {
          const id = json['TaskId'];
          if (typeof id === 'string') samples.set(id, [...(samples.get(id) ?? []), json]);
        }
      }
    for (const [taskId, task] of tasks) (into[task.step] ??= []).push(taskUsage(taskId, task, samples.get(taskId) ?? [], described.steps[task.step]?.pricing?.memoryMiB));
  }

  return {
    async read(pipeline, runId, history, during) {
      const described = Object.hasOwn(descriptions, pipeline) ? descriptions[pipeline] : undefined;
      if (described === undefined) return {};
      const span: Span =
        during === undefined
          ? {}
          : { startTime: during.start.getTime() - SPAN_BEFORE_MS, ...(during.stop === undefined ? {} : { endTime: during.stop.getTime() + SPAN_AFTER_MS }) };
      const usage: Usages = {};
      await Promise.all([lambdaUsage(described, runId, span, usage), containerUsage(described, history, span, usage)]);
      return usage;
    },
  };
}

/** A `platform.report` record as the usage of its invocation. */
function reportUsage(json: Record<string, unknown>, record: Record<string, unknown>): InvocationUsage | undefined {
  const metrics = isJsonRecord(record['metrics']) ? record['metrics'] : {};
  const durationMs = numberOf(metrics['durationMs']);
  if (durationMs === undefined) return undefined;
  const billedDurationMs = numberOf(metrics['billedDurationMs']);
  const memorySizeMb = numberOf(metrics['memorySizeMB']);
  const maxMemoryMb = numberOf(metrics['maxMemoryUsedMB']);
  const initDurationMs = numberOf(metrics['initDurationMs']);
  const status = typeof record['status'] === 'string' && record['status'] !== 'success' ? `the invocation's status: ${record['status']}` : undefined;
  return {
    endedAt: typeof json['time'] === 'string' ? json['time'] : new Date(0).toISOString(),
    measuredBy: 'lambda-report',
    scope: 'invocation',
    durationMs,
    ...(billedDurationMs === undefined ? {} : { billedDurationMs }),
    ...(memorySizeMb === undefined ? {} : { memorySizeMb }),
    ...(maxMemoryMb === undefined ? {} : { maxMemoryMb }),
    ...(initDurationMs === undefined ? {} : { initDurationMs }),
    ...(status === undefined ? {} : { note: status }),
  };
}

interface ContainerTask {
  readonly step: string;
  readonly startedAt: number | undefined;
  readonly endedAt: number;
}

/** The task id of an ECS task ARN in a history event's JSON (arn:aws:ecs:<region>:<account>:task/<cluster>/<id>). */
const TASK_END = /^Task(Succeeded|Failed|TimedOut)$/;
const TASK_ARN = /arn:aws[\w-]*:ecs:[\w-]+:\d+:task\/[\w-]+\/([0-9a-f]{32})/;

/** Each container task of the run, by id: its step, and its attempt's start and end in the history. */
export function containerTasksOf(history: readonly HistoryEvent[], described: PipelineDescription): Map<string, ContainerTask> {
  const stepOfState = new Map<string, string>();
  for (const [id, step] of Object.entries(described.steps))
    if (step.pricing?.runsOn === 'fargate') for (const state of [id, ...(step.itemState === undefined ? [] : [step.itemState])]) stepOfState.set(state, id);
  const back = historyWalker(history);
  const tasks = new Map<string, ContainerTask>();
  for (const event of history) {
    const submitted = event.taskSubmittedEventDetails?.output;
    const taskId = submitted === undefined ? undefined : TASK_ARN.exec(submitted)?.[1];
    if (taskId === undefined) continue;
    let state: string | undefined;
    let startedAt: number | undefined;
    for (const earlier of back(event)) {
      if (earlier.type === 'TaskStarted') startedAt ??= earlier.timestamp?.getTime();
      if (earlier.stateEnteredEventDetails?.name !== undefined) {
        state = earlier.stateEnteredEventDetails.name;
        break;
      }
    }
    const step = state === undefined ? undefined : stepOfState.get(state);
    if (step === undefined) continue;
    // The attempt's end: the first Task end after it whose chain of previous events passes through it.
    const follows = (later: HistoryEvent): boolean => {
      for (const earlier of back(later)) {
        if (earlier.id === event.id) return true;
        if (earlier.stateEnteredEventDetails !== undefined) return false;
      }
      return false;
    };
    const end = history.find((later) => (later.id ?? 0) > (event.id ?? 0) && TASK_END.test(later.type ?? '') && follows(later));
    tasks.set(taskId, { step, startedAt, endedAt: (end?.timestamp ?? event.timestamp ?? new Date(0)).getTime() });
  }
  return tasks;
}

function taskUsage(taskId: string, task: ContainerTask, samples: ReadonlyArray<Record<string, unknown>>, configuredMiB: number | undefined): InvocationUsage {
  const durationMs = Math.max(0, task.endedAt - (task.startedAt ?? task.endedAt));
  const memory = samples.flatMap((s) => numberOf(s['MemoryUtilized']) ?? []);
  const cpuUnits = samples.flatMap((s) => numberOf(s['CpuUtilized']) ?? []);
  const reserved = samples.map((s) => numberOf(s['MemoryReserved'])).find((value) => value !== undefined) ?? configuredMiB;
  const meanUnits = cpuUnits.length === 0 ? undefined : cpuUnits.reduce((sum, each) => sum + each, 0) / cpuUnits.length;
  return {
    endedAt: new Date(task.endedAt).toISOString(),
    measuredBy: 'container-insights',
    scope: 'invocation',
    durationMs,
    billedDurationMs: fargateBilledSeconds(durationMs / 1000) * 1000,
    ...(reserved === undefined ? {} : { memorySizeMb: reserved }),
    ...(memory.length === 0 ? {} : { maxMemoryMb: Math.max(...memory) }),
    ...(meanUnits === undefined ? {} : { cpuMs: Math.round((meanUnits / CPU_UNITS_PER_VCPU) * durationMs) }),
    note:
      samples.length === 0
        ? `no Container Insights samples of task ${taskId} yet (they arrive a minute or more after it runs): duration only`
        : `task ${taskId}: ${samples.length} one-minute sample(s); peak memory sampled, CPU time their mean CPU units over the task's duration`,
  };
}
