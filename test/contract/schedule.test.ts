/** Schedule fire times against a table of AWS expressions (L, W, #, ranges, lists, years, rates) and daylight-saving changes, as EventBridge Scheduler fires them. */
import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleExpressionError, scheduledRunName } from '../../lib/contract/schedule';

const iso = (dates: readonly Date[]) => dates.map((date) => date.toISOString().replace('.000Z', 'Z'));

describe('parseSchedule: fire times', () => {
  it.each([
    ['cron(0 10 * * ? *)', 'UTC', '2026-12-03T02:00:00Z', ['2026-12-03T10:00:00Z', '2026-12-04T10:00:00Z']],
    ['cron(0/15 8-9 ? * MON-FRI *)', 'UTC', '2026-12-04T09:40:00Z', ['2026-12-04T09:45:00Z', '2026-12-07T08:00:00Z', '2026-12-07T08:15:00Z']],
    ['cron(0 8 L * ? *)', 'UTC', '2026-02-10T00:00:00Z', ['2026-02-28T08:00:00Z', '2026-03-31T08:00:00Z']],
    // 15 August 2026 is a Saturday: the nearest weekday is Friday the 14th.
    ['cron(0 9 15W * ? *)', 'UTC', '2026-08-01T00:00:00Z', ['2026-08-14T09:00:00Z', '2026-09-15T09:00:00Z']],
    // 3#2: the second Tuesday (AWS numbers Sunday 1).
    ['cron(0 12 ? * 3#2 *)', 'UTC', '2026-12-01T00:00:00Z', ['2026-12-08T12:00:00Z', '2027-01-12T12:00:00Z']],
    ['cron(0 8 ? * 6L *)', 'UTC', '2026-05-01T00:00:00Z', ['2026-05-29T08:00:00Z', '2026-06-26T08:00:00Z']],
    ['cron(0 10 ? * L *)', 'UTC', '2026-12-01T00:00:00Z', ['2026-12-05T10:00:00Z', '2026-12-12T10:00:00Z']],
    ['cron(0 6,18 1,15 JAN,JUL ? *)', 'UTC', '2026-12-03T00:00:00Z', ['2027-01-01T06:00:00Z', '2027-01-01T18:00:00Z', '2027-01-15T06:00:00Z']],
    ['cron(0 0 1 1 ? 2028)', 'UTC', '2026-12-03T00:00:00Z', ['2028-01-01T00:00:00Z']],
    ['cron(0 2 * * ? *)', 'America/New_York', '2026-12-03T00:00:00Z', ['2026-12-03T07:00:00Z', '2026-12-04T07:00:00Z']],
    ['rate(1 day)', 'UTC', '2026-12-03T02:00:00Z', ['2026-12-04T00:00:00Z', '2026-12-05T00:00:00Z']],
    ['rate(15 minutes)', 'UTC', '2026-12-03T02:07:00Z', ['2026-12-03T02:15:00Z', '2026-12-03T02:30:00Z']],
    ['rate(1 hour)', 'Europe/Paris', '2026-12-03T02:07:00Z', ['2026-12-03T03:00:00Z', '2026-12-03T04:00:00Z']],
  ])('%s in %s after %s', (expression, timezone, after, expected) => {
    expect(iso(parseSchedule(expression, timezone).nextRuns(expected.length, new Date(after)))).toEqual(expected);
  });

  it('ends a cron bounded by its year field', () => {
    expect(parseSchedule('cron(0 0 1 1 ? 2028)').next(new Date('2028-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('skips a time the clocks skip (spring forward), as AWS does', () => {
    // Paris, 28 March 2027: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that night.
    expect(iso(parseSchedule('cron(30 2 * * ? *)', 'Europe/Paris').nextRuns(3, new Date('2027-03-26T12:00:00Z')))).toEqual([
      '2027-03-27T01:30:00Z',
      '2027-03-29T00:30:00Z',
      '2027-03-30T00:30:00Z',
    ]);
  });

  it('fires a time the clocks repeat (fall back) once, as AWS does', () => {
    // Paris, 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice, the run once.
    expect(iso(parseSchedule('cron(30 2 * * ? *)', 'Europe/Paris').nextRuns(3, new Date('2026-10-24T12:00:00Z')))).toEqual([
      '2026-10-25T00:30:00Z',
      '2026-10-26T01:30:00Z',
      '2026-10-27T01:30:00Z',
    ]);
    const quarterHours = iso(parseSchedule('cron(0/30 * * * ? *)', 'Europe/Paris').between(new Date('2026-10-24T23:50:00Z'), new Date('2026-10-25T02:10:00Z')));
    // 02:00 and 02:30 local once each, then 03:00 local (02:00Z).
    expect(quarterHours).toEqual(['2026-10-25T00:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T02:00:00Z']);
  });

  it('lists the fires in a window, for missed ones', () => {
    expect(iso(parseSchedule('rate(1 hour)').between(new Date('2026-12-03T00:30:00Z'), new Date('2026-12-03T03:00:00Z')))).toEqual([
      '2026-12-03T01:00:00Z',
      '2026-12-03T02:00:00Z',
      '2026-12-03T03:00:00Z',
    ]);
  });
});

describe('parseSchedule: mistakes, each with how to write it', () => {
  it.each([
    ['cron(0 2 * * *)', 'UTC', /5 fields; AWS cron has six/],
    ['cron(0 2 * * MON *)', 'UTC', /exactly one of day-of-month \("\*"\) and day-of-week \("MON"\) must be "\?"/],
    ['cron(0 25 * * ? *)', 'UTC', /cron\(0 25 \* \* \? \*\)/],
    ['rate(1 days)', 'UTC', /AWS wants "day" with 1/],
    ['rate(0 minutes)', 'UTC', /at least 1/],
    ['rate(100000001 days)', 'UTC', /"rate\(100000001 days\)": the interval is over 100 years, so it would never fire/],
    ['rate(52560001 minutes)', 'UTC', /over 100 years/],
    ['every day', 'UTC', /neither rate\(…\) nor cron\(…\)/],
    ['rate(1 day)', 'Mars/Olympus', /not an IANA time zone/],
  ])('%s (%s)', (expression, timezone, message) => {
    expect(() => parseSchedule(expression, timezone)).toThrow(ScheduleExpressionError);
    expect(() => parseSchedule(expression, timezone)).toThrow(message);
  });
});

it('keeps the run names of two long pipelines sharing their first 60 characters apart, within 80 characters (issue 29, item 7)', () => {
  const at = new Date('2026-12-03T02:00:00Z');
  const [a, b] = [`${'x'.repeat(60)}-one`, `${'x'.repeat(60)}-two`].map((name) => scheduledRunName(name, at));

  expect(a).not.toBe(b);
  expect([a?.length, b?.length]).toEqual([80, 80]);
  expect(scheduledRunName('y'.repeat(63), at)).toBe(`${'y'.repeat(63)}-20261203T020000Z`);
});

it('names a scheduled run after its pipeline and time', () => {
  expect(scheduledRunName('nightly-catalogue', new Date('2026-12-03T02:00:00Z'))).toBe('nightly-catalogue-20261203T020000Z');
});
