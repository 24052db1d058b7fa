/**
 * When EventBridge Scheduler fires a schedule: `rate(…)` and AWS's six-field `cron(…)` (with `?`, `L`,
 * `W`, `#`, ranges, lists, years) in an IANA time zone, with AWS's daylight-saving rules — a time
 * the clocks skip does not fire, a time they repeat fires once. The same code validates graphs, fires
 * schedules in `orchestra up`, lists them (`orchestra schedules`) and answers the runs API.
 *
 * Cron fields are evaluated by croner (its Quartz weekday numbering is AWS's, 1 = Sunday); this
 * module only translates AWS's syntax and adds AWS's DST rules, which croner does differently.
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import { OrchestraError } from '../shared/errors';

export class ScheduleExpressionError extends OrchestraError {
  override readonly name = 'ScheduleExpressionError';
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super('schedule-expression', message);
  }
}

export interface Schedule {
  readonly expression: string;
  readonly timezone: string;
  /** The first fire strictly after `after`, or undefined when there is none (a cron bounded by years). */
  next(after: Date): Date | undefined;
  /** Up to `count` fires strictly after `after`. */
  nextRuns(count: number, after: Date): Date[];
  /** Every fire in (from, to], at most `limit` (the earliest ones). */
  between(from: Date, to: Date, limit?: number): Date[];
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** The longest rate interval: 100 years of 365 days. */
const MAX_RATE_MS = 36_500 * UNIT_MS.day;

/** Whether the name is an IANA time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Rate schedules fire every interval of elapsed time (a day is 24 hours, as in AWS), counted from the
 * Unix epoch: AWS counts from the schedule's creation, which a local runtime cannot know, and a fixed
 * origin makes the fires the same in every process, so missed ones can be found after a restart.
 */
function rateSchedule(expression: string, value: number, unit: keyof typeof UNIT_MS, timezone: string): Schedule {
  const every = value * UNIT_MS[unit];
  return scheduleFrom(expression, timezone, (after) => new Date((Math.floor(after.getTime() / every) + 1) * every));
}

/** A schedule from its `next`: the listings follow from it. */
function scheduleFrom(expression: string, timezone: string, next: (after: Date) => Date | undefined): Schedule {
  const fires = (after: Date, keep: (at: Date, found: number) => boolean): Date[] => {
    const out: Date[] = [];
    for (let at = next(after); at !== undefined && keep(at, out.length); at = next(at)) out.push(at);
    return out;
  };
  return {
    expression,
    timezone,
    next,
    nextRuns: (count, after) => fires(after, (_at, found) => found < count),
    between: (from, to, limit = 10_000) => fires(from, (at, found) => at <= to && found < limit),
  };
}

const fieldsOf = (date: Date, timezone: string): string =>
  new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);

/** A wall-clock time the clocks showed earlier too (the repeated hour when they go back): AWS fires it once. */
function isRepeatedWallTime(date: Date, timezone: string): boolean {
  const local = fieldsOf(date, timezone);
  return [3_600_000, 1_800_000].some((shift) => fieldsOf(new Date(date.getTime() - shift), timezone) === local);
}

function cronSchedule(expression: string, body: string, timezone: string): Schedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new ScheduleExpressionError(
      `"${expression}" has ${fields.length} fields; AWS cron has six: minutes hours day-of-month month day-of-week year`,
      'e.g. "cron(0 2 * * ? *)" for 02:00 every day',
    );
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if ((dayOfMonth === '?') === (dayOfWeek === '?'))
    throw new ScheduleExpressionError(
      `"${expression}": exactly one of day-of-month ("${dayOfMonth}") and day-of-week ("${dayOfWeek}") must be "?"`,
      'AWS needs "?" in one of them, e.g. "cron(0 8 * * ? *)" or "cron(0 8 ? * MON-FRI *)"',
    );
  // AWS reads "L" alone in day-of-week as its last day, Saturday (7).
  const weekday = dayOfWeek.toUpperCase() === 'L' ? '7' : dayOfWeek;
  let cron: Cron;
  try {
    cron = new Cron(`0 ${minutes} ${hours} ${dayOfMonth} ${month} ${weekday} ${year}`, {
      timezone,
      mode: '7-part',
      alternativeWeekdays: true,
      sloppyRanges: true,
      paused: true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    throw new ScheduleExpressionError(`"${expression}": ${reason}`, 'see the AWS cron reference: minutes hours day-of-month month day-of-week year');
  }
  const next = (after: Date): Date | undefined => {
    let at = after;
    // Skipped (spring forward) and repeated (fall back) wall times are passed over, as EventBridge Scheduler does.
    for (let guard = 0; guard < 1000; guard++) {
      const candidate = cron.nextRun(at);
      if (candidate === null) return undefined;
      if (cron.match(candidate) && !isRepeatedWallTime(candidate, timezone)) return candidate;
      at = candidate;
    }
    return undefined;
  };
  return scheduleFrom(expression, timezone, next);
}

/** Parses an EventBridge Scheduler expression; throws ScheduleExpressionError saying what is wrong and how to write it. */
export function parseSchedule(expression: string, timezone = 'UTC'): Schedule {
  if (!isTimeZone(timezone)) throw new ScheduleExpressionError(`"${timezone}" is not an IANA time zone`, 'e.g. "Europe/Paris", "America/New_York" or "UTC"');
  const rate = RATE.exec(expression);
  if (rate !== null) {
    const value = Number(rate[1]);
    const unit = (rate[2] ?? 'minute').replace(/s$/, '') as keyof typeof UNIT_MS;
    if (value < 1) throw new ScheduleExpressionError(`"${expression}": the rate must be at least 1`, 'e.g. "rate(1 day)"');
    // AWS documents no upper bound; cron's years end at 2199, and an interval past a century would
    // fire never or once: a mistake. (Unbounded, it overflowed the date arithmetic: issue 29, item 15.)
    if (value * UNIT_MS[unit] > MAX_RATE_MS)
      throw new ScheduleExpressionError(`"${expression}": the interval is over 100 years, so it would never fire`, `at most "rate(${MAX_RATE_MS / UNIT_MS[unit]} ${unit}s)"`);
    if ((value === 1) !== !rate[2]?.endsWith('s'))
      throw new ScheduleExpressionError(
        `"${expression}": AWS wants "${value === 1 ? unit : `${unit}s`}" with ${value}`,
        `write "rate(${value} ${value === 1 ? unit : `${unit}s`})"`,
      );
    return rateSchedule(expression, value, unit, timezone);
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron !== null) return cronSchedule(expression, cron[1] ?? '', timezone);
  throw new ScheduleExpressionError(`"${expression}" is neither rate(…) nor cron(…)`, 'e.g. "rate(1 day)" or "cron(0 2 * * ? *)"');
}

/** Step Functions' longest execution name. */
const MAX_RUN_NAME_LENGTH = 80;

/**
 * A scheduled run's name: pipeline and scheduled time, so a fire delivered twice starts one run. A
 * pipeline name too long to fit whole keeps its start and a hash of all of it: cut short, two
 * pipelines sharing their first characters shared their run names, and one never ran.
 */
export function scheduledRunName(pipeline: string, scheduledTime: Date): string {
  const time = scheduledTime
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const room = MAX_RUN_NAME_LENGTH - time.length - 1;
  const name = pipeline.length <= room ? pipeline : `${pipeline.slice(0, room - 9)}-${createHash('sha256').update(pipeline).digest('hex').slice(0, 8)}`;
  return `${name}-${time}`;
}
