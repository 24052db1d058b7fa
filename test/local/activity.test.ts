import { describe, expect, it } from 'vitest';
import { parseServerSentEvents } from '../../lib/cli/actions/events';
import { serverSentEvent } from '../../lib/contract/activity';
import { activityOf } from '../../lib/local/runs/activity';
import type { RunRecord } from '../../lib/local/runs/run-record';

const at = () => new Date('2026-12-02T00:00:00.000Z');
const run = (source: string, status: string, key?: string) =>
  ({ runId: 'r1', pipeline: 'p', status, input: { source, ...(key === undefined ? {} : { key }) } }) as unknown as RunRecord;

describe('activity events', () => {
  it('come from keyed runs and expired keys only', () => {
    expect(activityOf({ type: 'run-started', run: run('keyed', 'RUNNING', 'k') }, at)).toEqual({
      type: 'started',
      pipeline: 'p',
      key: 'k',
      runId: 'r1',
      time: '2026-12-02T00:00:00.000Z',
    });
    expect(activityOf({ type: 'run-finished', run: run('keyed', 'TIMED_OUT', 'k') }, at)).toMatchObject({ type: 'failed', status: 'TIMED_OUT' });
    expect(activityOf({ type: 'run-finished', run: run('upload', 'SUCCEEDED') }, at)).toBeUndefined();
    expect(activityOf({ type: 'keyed', outcome: { action: 'expired', pipeline: 'p', key: 'k', missing: ['B'] } }, at)).toEqual({
      type: 'expired',
      pipeline: 'p',
      key: 'k',
      missing: ['B'],
      time: '2026-12-02T00:00:00.000Z',
    });
  });

  it('travel as server-sent events and are read back, a partial event kept for the next chunk', () => {
    const event = { type: 'started', pipeline: 'p', key: 'k', time: 't' } as const;
    const text = `: comment\n\n${serverSentEvent(event)}${serverSentEvent(event).slice(0, 10)}`;

    const { events, rest } = parseServerSentEvents(text);

    expect(events).toEqual([event]);
    expect(rest).toBe(serverSentEvent(event).slice(0, 10));
  });
});
