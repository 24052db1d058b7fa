/** The deployed runs API reads a run's lines from its pipeline's log groups, merged in time order and attributed to steps. */
import { describe, expect, it } from 'vitest';
import { cloudWatchRunLogs } from '../../functions/runs-api/cloudwatch-logs';
import type { PipelineDescription } from '../../lib/contract/pipeline-description';
import { fakeCloudWatchLogs } from '../helpers/fake-sfn';

const flood: PipelineDescription = {
  name: 'flood',
  executionLogGroup: '/aws/vendedlogs/states/orchestra-flood',
  steps: {
    validate: { kind: 'lambda', dependsOn: [], logGroup: '/orchestra/Orchestra/flood/validate' },
    a: { kind: 'simulate', dependsOn: ['validate'], logGroup: '/orchestra/Orchestra/shared/simulate-step' },
    b: { kind: 'simulate', dependsOn: ['validate'], logGroup: '/orchestra/Orchestra/shared/simulate-step' },
  },
};

const events: Record<string, Array<{ timestamp: number; message: string }>> = {
  '/aws/vendedlogs/states/orchestra-flood': [{ timestamp: 1000, message: '{"type":"ExecutionStarted","execution_arn":"…:r1"}' }],
  '/orchestra/Orchestra/flood/validate': [{ timestamp: 2000, message: '{"level":"INFO","message":"ok","runId":"r1"}\n' }],
  '/orchestra/Orchestra/shared/simulate-step': [
    { timestamp: 4000, message: '2026-12-02T10:00:04Z\treq\t{"level":"INFO","message":"done","runId":"r1","step":"b"}' },
    { timestamp: 3000, message: '{"level":"INFO","message":"done","runId":"r1","step":"a"}' },
  ],
};

describe('CloudWatch run logs', () => {
  it('reads every log group of the pipeline for the run id, in time order, each line with its step', async () => {
    const { logs, sent } = fakeCloudWatchLogs((_command, input) => ({ events: events[String(input['logGroupName'])] ?? [] }));

    const page = await cloudWatchRunLogs(logs, { flood }).read('flood', 'r1', { offset: 0, limit: 10 });

    expect(page.lines.map((l) => [l.step ?? '-', l.time.slice(17, 19)])).toEqual([
      ['-', '01'],
      ['validate', '02'],
      ['a', '03'],
      ['b', '04'],
    ]);
    expect(page.more).toBe(false);
    expect(sent.map((s) => [s.input['logGroupName'], s.input['filterPattern']])).toEqual([
      ['/aws/vendedlogs/states/orchestra-flood', '"r1"'],
      ['/orchestra/Orchestra/flood/validate', '"r1"'],
      ['/orchestra/Orchestra/shared/simulate-step', '"r1"'],
    ]);
  });

  it("reads only the run's span, not each log group's whole retention (issue 30: no time window)", async () => {
    const { logs, sent } = fakeCloudWatchLogs((_command, input) => ({ events: events[String(input['logGroupName'])] ?? [] }));
    const start = new Date('2026-12-07T02:00:00Z');

    await cloudWatchRunLogs(logs, { flood }).read('flood', 'r1', { offset: 0, limit: 10 }, { start, stop: new Date('2026-12-07T02:30:00Z') });
    await cloudWatchRunLogs(logs, { flood }).read('flood', 'r2', { offset: 0, limit: 10 }, { start });

    expect(sent.map((s) => [s.input['startTime'], s.input['endTime']])[0]).toEqual([Date.parse('2026-12-07T01:59:00Z'), Date.parse('2026-12-07T02:35:00Z')]);
    expect(sent.at(-1)?.input).toMatchObject({ startTime: Date.parse('2026-12-07T01:59:00Z') });
    expect(sent.at(-1)?.input).not.toHaveProperty('endTime');
  });

  it('pages with offset and limit', async () => {
    const { logs } = fakeCloudWatchLogs((_command, input) => ({ events: events[String(input['logGroupName'])] ?? [] }));

    const page = await cloudWatchRunLogs(logs, { flood }).read('flood', 'r1', { offset: 1, limit: 2 });

    expect(page.lines.map((l) => l.step)).toEqual(['validate', 'a']);
    expect(page.more).toBe(true);
  });
});
