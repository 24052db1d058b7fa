/**
 * What each step used on AWS, as the deployed runs API reads it: Lambda's platform.report records of
 * the run's invocations (found by the handler's "step started" line), and Container Insights' samples
 * of the run's tasks (found in the history).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { PipelineDescription } from '../../lib/contract/pipeline-description';
import { cloudWatchRunUsage, containerTasksOf } from '../../lib/runtime/cloudwatch-usage';
import { runCostFrom } from '../../lib/runtime/run-cost';
import { fakeCloudWatchLogs } from '../helpers/fake-sfn';

const LAMBDA_GROUP = '/orchestra/Orchestra/flood/validate';
const INSIGHTS = '/aws/ecs/containerinsights/Orchestra-Cluster/performance';
const TASK_ID = '0123456789abcdef0123456789abcdef';

const flood: PipelineDescription = {
  name: 'flood',
  steps: {
    validate: { kind: 'lambda', dependsOn: [], logGroup: LAMBDA_GROUP, pricing: { runsOn: 'lambda', memoryMiB: 512 } },
    model: { kind: 'container', dependsOn: ['validate'], pricing: { runsOn: 'fargate', memoryMiB: 2048, cpu: 1024 } },
  },
};

const at = (second: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, second));

/** validate (one attempt, Lambda) then model (one Fargate task). */
const history: HistoryEvent[] = [
  { id: 1, type: 'ExecutionStarted', timestamp: at(0) },
  { id: 2, previousEventId: 1, type: 'TaskStateEntered', timestamp: at(0), stateEnteredEventDetails: { name: 'validate' } },
  { id: 3, previousEventId: 2, type: 'LambdaFunctionScheduled', timestamp: at(0) },
  { id: 4, previousEventId: 3, type: 'LambdaFunctionStarted', timestamp: at(0) },
  { id: 5, previousEventId: 4, type: 'LambdaFunctionSucceeded', timestamp: at(1) },
  { id: 6, previousEventId: 5, type: 'TaskStateExited', timestamp: at(1), stateExitedEventDetails: { name: 'validate' } },
  { id: 7, previousEventId: 6, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'model' } },
  { id: 8, previousEventId: 7, type: 'TaskScheduled', timestamp: at(1) },
  { id: 9, previousEventId: 8, type: 'TaskStarted', timestamp: at(2) },
  {
    id: 10,
    previousEventId: 9,
    type: 'TaskSubmitted',
    timestamp: at(3),
    taskSubmittedEventDetails: {
      resource: 'runTask.sync',
      resourceType: 'ecs',
      output: JSON.stringify({ Tasks: [{ TaskArn: `arn:aws:ecs:us-east-1:123456789012:task/Orchestra-Cluster/${TASK_ID}` }] }),
    },
  },
  { id: 11, previousEventId: 10, type: 'TaskSucceeded', timestamp: at(42) },
  { id: 12, previousEventId: 11, type: 'TaskStateExited', timestamp: at(42), stateExitedEventDetails: { name: 'model' } },
  { id: 13, previousEventId: 12, type: 'ExecutionSucceeded', timestamp: at(42) },
];

const report = (requestId: string, durationMs: number) =>
  JSON.stringify({
    time: '2026-12-07T10:00:01.000Z',
    type: 'platform.report',
    record: { requestId, metrics: { durationMs, billedDurationMs: Math.ceil(durationMs), memorySizeMB: 512, maxMemoryUsedMB: 88, initDurationMs: 210.5 }, status: 'success' },
  });

/** Answers each filter as CloudWatch would for these lines: by the pattern's terms. */
function logsOf(lines: Record<string, string[]>) {
  return fakeCloudWatchLogs((_command, input) => {
    const pattern = String(input['filterPattern']);
    const messages = lines[String(input['logGroupName'])] ?? [];
    const ids = [...pattern.matchAll(/(?:runId|requestId|TaskId) = "([^"]+)"/g)].map((m) => m[1] ?? '');
    const kept = messages.filter((message) =>
      pattern.includes('step started') ? message.includes('step started') && message.includes(`"${ids[0]}"`) : ids.some((id) => message.includes(`"${id}"`)),
    );
    return { events: kept.map((message, i) => ({ timestamp: i, message })) };
  });
}

describe('CloudWatch run usage', () => {
  it("reads a Lambda step's REPORT record by the request id its handler logged, and a task's Container Insights samples", async () => {
    const { logs, sent } = logsOf({
      [LAMBDA_GROUP]: [
        JSON.stringify({ level: 'INFO', message: 'step started', runId: 'r1', step: 'validate', function_request_id: 'req-1' }),
        JSON.stringify({ level: 'INFO', message: 'step started', runId: 'r0', step: 'validate', function_request_id: 'req-0' }),
        report('req-1', 120.4),
        report('req-0', 999),
      ],
      [INSIGHTS]: [
        JSON.stringify({ Type: 'Task', TaskId: TASK_ID, CpuUtilized: 512, MemoryUtilized: 300, MemoryReserved: 2048 }),
        JSON.stringify({ Type: 'Task', TaskId: TASK_ID, CpuUtilized: 1024, MemoryUtilized: 700, MemoryReserved: 2048 }),
      ],
    });

    const usage = await cloudWatchRunUsage(logs, { flood }, INSIGHTS).read('flood', 'r1', history, { start: at(0), stop: at(42) });

    expect(usage['validate']).toEqual([
      {
        endedAt: '2026-12-07T10:00:01.000Z',
        measuredBy: 'lambda-report',
        scope: 'invocation',
        durationMs: 120.4,
        billedDurationMs: 121,
        memorySizeMb: 512,
        maxMemoryMb: 88,
        initDurationMs: 210.5,
      },
    ]);
    // 40 s from TaskStarted to TaskSucceeded; a mean of 768 CPU units (0.75 vCPU) over them.
    expect(usage['model']).toEqual([
      expect.objectContaining({
        measuredBy: 'container-insights',
        durationMs: 40_000,
        billedDurationMs: 60_000,
        memorySizeMb: 2048,
        maxMemoryMb: 700,
        cpuMs: 30_000,
        endedAt: at(42).toISOString(),
      }),
    ]);
    expect(sent.map((s) => s.input['filterPattern'])).toEqual([
      '{ $.runId = "r1" && $.message = "step started" }',
      `{ $.Type = "Task" && ($.TaskId = "${TASK_ID}") }`,
      '{ $.type = "platform.report" && ($.record.requestId = "req-1") }',
    ]);
    expect(sent.every((s) => s.input['startTime'] === at(0).getTime() - 60_000)).toBe(true);
  });

  it('says so when Container Insights has no samples of a task yet, and gives its duration', async () => {
    const { logs } = logsOf({});
    const usage = await cloudWatchRunUsage(logs, { flood }, INSIGHTS).read('flood', 'r1', history);
    expect(usage['model']?.[0]).toMatchObject({ durationMs: 40_000, memorySizeMb: 2048, note: expect.stringContaining(`no Container Insights samples of task ${TASK_ID} yet`) });
    expect(usage['model']?.[0]).not.toHaveProperty('cpuMs');
    expect(usage['validate']).toBeUndefined();
  });

  it('asks for REPORT records ten request ids at a time (a pattern holds 1,024 characters at most)', async () => {
    const started = Array.from({ length: 12 }, (_, i) => JSON.stringify({ message: 'step started', runId: 'r1', step: 'validate', function_request_id: `req-${i}` }));
    const { logs, sent } = logsOf({ [LAMBDA_GROUP]: [...started, ...started.map((_, i) => report(`req-${i}`, 10))] });
    const usage = await cloudWatchRunUsage(logs, { flood }).read('flood', 'r1', []);
    expect(usage['validate']).toHaveLength(12);
    const reports = sent.filter((s) => String(s.input['filterPattern']).includes('platform.report'));
    expect(reports).toHaveLength(2);
    expect(reports.every((s) => String(s.input['filterPattern']).length < 1024)).toBe(true);
  });

  it('finds each container task of the history with its step and times', () => {
    expect([...containerTasksOf(history, flood)]).toEqual([[TASK_ID, { step: 'model', startedAt: at(2).getTime(), endedAt: at(42).getTime() }]]);
  });

  it("prices a Lambda step at its billed durations when every invocation has one (basis 'billed')", () => {
    const byHistory = runCostFrom(history, flood);
    const billed = runCostFrom(history, flood, {
      validate: [{ endedAt: at(1).toISOString(), measuredBy: 'lambda-report', scope: 'invocation', durationMs: 120.4, billedDurationMs: 121 }],
    });
    expect(byHistory.basis).toBe('history');
    expect(billed.basis).toBe('billed');
    // 1 s in the history, 121 ms billed.
    expect(billed.steps['validate']?.lambda?.gbSeconds).toBeCloseTo(0.121 * 0.5, 6);
    expect(byHistory.steps['validate']?.lambda?.gbSeconds).toBeCloseTo(1 * 0.5, 6);
    expect(billed.steps['model']).toEqual(byHistory.steps['model']);
  });
});
