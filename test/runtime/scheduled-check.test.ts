/** One-time EventBridge Scheduler schedules for grace windows, expiries and backfill continuations. */
import { ConflictException, type CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { describe, expect, it, vi } from 'vitest';
import { backfillRequestOf, checkRequestOf, checkScheduleName, createBackfillContinuation, createScheduledCheck } from '../../lib/runtime/keyed/scheduled-check';

const settings = () => ({ groupName: 'Keyed-keyed-checks', roleArn: 'arn:aws:iam::1:role/scheduler', targetArn: 'arn:aws:lambda:eu-west-1:1:function:conductor' });

function recordingScheduler(fail?: Error) {
  const scheduler = new SchedulerClient({ region: 'eu-west-1' });
  const sent: CreateScheduleCommand['input'][] = [];
  vi.spyOn(scheduler, 'send').mockImplementation(async (command: { input: unknown }) => {
    sent.push(command.input as CreateScheduleCommand['input']);
    if (fail !== undefined) throw fail;
    return {};
  });
  return { scheduler, sent };
}

describe('scheduled checks', () => {
  it('invokes the conductor once at the time, rounded up to the second, then deletes itself', async () => {
    const { scheduler, sent } = recordingScheduler();
    const at = new Date('2026-12-03T10:00:00.250Z');
    await createScheduledCheck(scheduler, settings)('qpo-ecl', 'obs-1', at);
    expect(sent).toEqual([
      {
        Name: checkScheduleName('qpo-ecl', 'obs-1', at),
        GroupName: 'Keyed-keyed-checks',
        ScheduleExpression: 'at(2026-12-03T10:00:01)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: settings().targetArn, RoleArn: settings().roleArn, Input: '{"check":{"pipeline":"qpo-ecl","key":"obs-1"}}', RetryPolicy: { MaximumRetryAttempts: 10 } },
      },
    ]);
    expect(checkScheduleName('qpo-ecl', 'obs-1', at)).toMatch(/^check-[0-9a-f]{40}$/);
  });

  it('takes a schedule that exists already as done (a second notification asked for the same check), and throws anything else', async () => {
    const conflict = new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} });
    await expect(createScheduledCheck(recordingScheduler(conflict).scheduler, settings)('p', 'k', new Date())).resolves.toBeUndefined();
    await expect(createScheduledCheck(recordingScheduler(new Error('throttled')).scheduler, settings)('p', 'k', new Date())).rejects.toThrow('throttled');
  });

  it('goes on with a backfill a second later, one schedule per (backfill, progress)', async () => {
    const { scheduler, sent } = recordingScheduler();
    const continueBackfill = createBackfillContinuation(scheduler, settings);
    await continueBackfill('bf-AAAAAAAAAAAAAAAA', 1200, new Date('2026-12-03T10:00:00.000Z'));
    await continueBackfill('bf-AAAAAAAAAAAAAAAA', 1200, new Date('2026-12-03T10:00:00.000Z'));
    await continueBackfill('bf-AAAAAAAAAAAAAAAA', 2400, new Date('2026-12-03T10:05:00.000Z'));
    expect(sent.map((input) => [input.ScheduleExpression, input.Target?.Input])).toEqual([
      ['at(2026-12-03T10:00:01)', '{"backfill":{"id":"bf-AAAAAAAAAAAAAAAA"}}'],
      ['at(2026-12-03T10:00:01)', '{"backfill":{"id":"bf-AAAAAAAAAAAAAAAA"}}'],
      ['at(2026-12-03T10:05:01)', '{"backfill":{"id":"bf-AAAAAAAAAAAAAAAA"}}'],
    ]);
    expect(sent[0]?.Name).toBe(sent[1]?.Name);
    expect(sent[2]?.Name).not.toBe(sent[0]?.Name);
    expect(sent[0]?.Name).toMatch(/^backfill-[0-9a-f]{40}$/);
  });

  it('tells the conductor events apart: a check, a backfill, anything else', () => {
    expect(checkRequestOf({ check: { pipeline: 'p', key: 'k' } })).toEqual({ pipeline: 'p', key: 'k' });
    expect(backfillRequestOf({ backfill: { id: 'bf-1' } })).toEqual({ id: 'bf-1' });
    for (const other of [{ check: { pipeline: 1 } }, { backfill: {} }, { 'detail-type': 'Object Created' }, null, '__proto__'])
      expect([checkRequestOf(other), backfillRequestOf(other)]).toEqual([undefined, undefined]);
  });
});
