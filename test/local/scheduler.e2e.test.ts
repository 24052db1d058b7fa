/**
 * Schedules on the embedded runtime, on a clock the test moves: a fire starts the run named after
 * pipeline and scheduled time with `scheduledTime` in its input; the same fire twice starts one run;
 * fires missed while nothing ran are reported, then skipped or the latest caught up.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PipelineGraph } from '../../lib/graph/schema';
import type { RuntimeEvent } from '../../lib/local/runtime';
import type { SchedulerClock } from '../../lib/local/triggers/scheduler';
import { startTestRuntime } from '../helpers/local-runtime';

const scheduled = (name: string, schedule: string, extra: Partial<NonNullable<PipelineGraph['trigger']>> = {}): PipelineGraph => ({
  name,
  trigger: { schedule, ...extra },
  steps: { work: { kind: 'simulate' } },
});

/** A clock whose timers run when the test moves it past them. */
function testClock(start: string) {
  let now = new Date(start);
  let timers: Array<{ at: number; callback: () => void; id: number }> = [];
  let ids = 0;
  const clock: SchedulerClock = {
    now: () => now,
    setTimeout: (callback, ms) => {
      timers.push({ at: now.getTime() + ms, callback, id: ++ids });
      return ids;
    },
    clearTimeout: (id) => {
      timers = timers.filter((timer) => timer.id !== id);
    },
  };
  const moveTo = (iso: string) => {
    now = new Date(iso);
    for (;;) {
      const due = timers.filter((timer) => timer.at <= now.getTime());
      if (due.length === 0) return;
      timers = timers.filter((timer) => !due.includes(timer));
      for (const timer of due) timer.callback();
    }
  };
  return { clock, moveTo };
}

const runtime = await startTestRuntime([
  scheduled('every-5', 'cron(0/5 * * * ? *)'),
  scheduled('paris-2am', 'cron(0 2 * * ? *)', { timezone: 'Europe/Paris' }),
  scheduled('hourly-skip', 'rate(1 hour)'),
  scheduled('hourly-latest', 'rate(1 hour)', { catchUp: 'latest' }),
]);
afterAll(() => runtime.stop());
const events: Array<Extract<RuntimeEvent, { type: 'schedule' }>> = [];
runtime.on((event) => {
  if (event.type === 'schedule') events.push(event);
});

describe('schedules in orchestra up', () => {
  it('reports fires missed while nothing ran: skipped by default, the latest run with catchUp "latest"', async () => {
    // The last process handled fires up to 23:00; this one starts at 02:10.
    writeFileSync(
      join(runtime.store.dataDir, 'schedules.json'),
      JSON.stringify({ last: { 'hourly-skip': '2026-12-02T23:00:00.000Z', 'hourly-latest': '2026-12-02T23:00:00.000Z' } }),
    );
    const { clock } = testClock('2026-12-03T02:10:00Z');
    runtime.startSchedules(clock).stop();
    const missed = ['2026-12-03T00:00:00.000Z', '2026-12-03T01:00:00.000Z', '2026-12-03T02:00:00.000Z'];
    expect(events.filter((e) => e.pipeline === 'hourly-skip').map((e) => [e.action, e.scheduledTimes])).toEqual([
      ['missed', missed],
      ['skipped', missed],
    ]);
    expect(events.filter((e) => e.pipeline === 'hourly-latest').map((e) => [e.action, e.scheduledTimes, e.runId])).toEqual([
      ['missed', missed, undefined],
      ['caught-up', ['2026-12-03T02:00:00.000Z'], 'hourly-latest-20261203T020000Z'],
    ]);
    const caughtUp = await runtime.waitForRun('hourly-latest-20261203T020000Z');
    expect(caughtUp).toMatchObject({ status: 'SUCCEEDED', input: { source: 'schedule', scheduledTime: '2026-12-03T02:00:00.000Z', catchUp: true } });
    expect(() => runtime.store.get('hourly-skip-20261203T020000Z')).toThrow();
  });

  it('fires each schedule at its times, in its time zone, with scheduledTime in the run input', async () => {
    events.length = 0;
    const { clock, moveTo } = testClock('2026-12-03T00:58:00Z');
    runtime.startSchedules(clock);
    moveTo('2026-12-03T01:00:30Z');
    // every-5 at 01:00Z; paris-2am at 02:00 Paris = 01:00Z (winter, UTC+1).
    expect(events.filter((e) => e.action === 'fired').map((e) => [e.pipeline, e.scheduledTimes[0], e.runId])).toEqual(
      expect.arrayContaining([
        ['every-5', '2026-12-03T01:00:00.000Z', 'every-5-20261203T010000Z'],
        ['paris-2am', '2026-12-03T01:00:00.000Z', 'paris-2am-20261203T010000Z'],
        ['hourly-skip', '2026-12-03T01:00:00.000Z', 'hourly-skip-20261203T010000Z'],
      ]),
    );
    moveTo('2026-12-03T01:05:30Z');
    moveTo('2026-12-03T01:10:30Z');
    expect(events.filter((e) => e.pipeline === 'every-5').map((e) => e.scheduledTimes[0])).toEqual([
      '2026-12-03T01:00:00.000Z',
      '2026-12-03T01:05:00.000Z',
      '2026-12-03T01:10:00.000Z',
    ]);
    const run = await runtime.waitForRun('paris-2am-20261203T010000Z');
    expect(run).toMatchObject({ status: 'SUCCEEDED', input: { source: 'schedule', scheduledTime: '2026-12-03T01:00:00.000Z' } });
  });

  it('starts one run for a fire delivered twice', async () => {
    events.length = 0;
    const { clock } = testClock('2026-12-03T03:00:00Z');
    const scheduler = runtime.startSchedules(clock);
    scheduler.fire('every-5', new Date('2026-12-03T03:00:00Z'));
    scheduler.fire('every-5', new Date('2026-12-03T03:00:00Z'));
    // The previous scheduler stopped after 01:10: what came since was missed, then skipped.
    expect(events.filter((e) => e.pipeline === 'every-5').map((e) => e.action)).toEqual(['missed', 'skipped', 'fired', 'duplicate']);
    expect((await runtime.waitForRun('every-5-20261203T030000Z')).status).toBe('SUCCEEDED');
  });
  it('handles the fires a wall-clock jump skipped by the catchUp policy, never all at once, then fires on time again (121 runs in one second: issue 29, item 8)', async () => {
    const { clock, moveTo } = testClock('2026-12-04T00:00:30Z');
    const scheduler = runtime.startSchedules(clock);
    events.length = 0;

    moveTo('2026-12-04T10:00:30Z');

    const every5 = events.filter((e) => e.pipeline === 'every-5');
    expect(every5.map((e) => e.action)).toEqual(['missed', 'skipped']);
    expect(every5[0]?.scheduledTimes).toHaveLength(100);
    expect(every5[0]?.more).toBe(true);
    expect(events.filter((e) => e.pipeline === 'hourly-latest').map((e) => [e.action, e.scheduledTimes.at(-1)])).toEqual([
      ['missed', '2026-12-04T10:00:00.000Z'],
      ['caught-up', '2026-12-04T10:00:00.000Z'],
    ]);
    // Even the one fire of a daily schedule: nine hours late, it was missed.
    expect(events.filter((e) => e.pipeline === 'paris-2am').map((e) => [e.action, e.scheduledTimes])).toEqual([
      ['missed', ['2026-12-04T01:00:00.000Z']],
      ['skipped', ['2026-12-04T01:00:00.000Z']],
    ]);
    expect(events.filter((e) => e.action === 'fired')).toEqual([]);
    events.length = 0;
    moveTo('2026-12-04T10:05:10Z');
    expect(events.filter((e) => e.pipeline === 'every-5').map((e) => [e.action, e.scheduledTimes[0]])).toEqual([['fired', '2026-12-04T10:05:00.000Z']]);
    scheduler.stop();
    await runtime.idle();
  });
});
