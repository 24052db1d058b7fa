/**
 * Fires pipelines' `trigger.schedule` in `orchestra up`, at the times EventBridge Scheduler would
 * (lib/contract/schedule.ts). A fire starts the run named after pipeline and scheduled time, so a fire
 * handled twice starts one run. The last fire handled per pipeline is kept in the data folder: at start,
 * fires missed while nothing ran are reported and the pipeline's `catchUp` policy applied ("none":
 * recorded as skipped; "latest": the most recent one runs), never silently lost.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineSource } from '../../catalogue';
import { parseSchedule, type Schedule, scheduledRunName } from '../../contract/schedule';
import type { RunInput } from '../../contract/step-event';
import { isJsonRecord } from '../../shared/json';
import { RunAlreadyExistsError } from '../runs/run-store';
import type { RuntimeEvents } from '../runs/runtime-events';

export const SCHEDULE_MARKS_FILE = 'schedules.json';

/** Node's longest timer; longer waits are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;
/** A fire whose timer runs later than this after its time is a missed fire (a timer on a loaded machine runs seconds late). */
const LATE_FIRE_MS = 60_000;
/** Missed fires listed at most (a rate(1 minute) schedule stopped for a month has 43,200). */
const MISSED_SHOWN = 100;

export interface SchedulerClock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const realClock: SchedulerClock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

export interface SchedulerOptions {
  readonly dataDir: string;
  readonly pipelines: () => readonly PipelineSource[];
  readonly startRun: (pipeline: string, input: RunInput, runId: string) => unknown;
  readonly events: RuntimeEvents;
  readonly clock?: SchedulerClock;
}

interface Marks {
  /** The last fire handled (fired, caught up or skipped) per pipeline, ISO 8601. */
  readonly last: Record<string, string>;
}

function readMarks(file: string): Marks {
  if (!existsSync(file)) return { last: {} };
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const last = isJsonRecord(value) && isJsonRecord(value['last']) ? value['last'] : {};
    return { last: Object.fromEntries(Object.entries(last).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) };
  } catch {
    // A damaged file loses only the memory of missed fires: say nothing is missed, start afresh.
    return { last: {} };
  }
}

export class LocalScheduler {
  private readonly clock: SchedulerClock;
  private readonly file: string;
  private readonly marks: Marks;
  private readonly timers = new Map<string, unknown>();
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? realClock;
    this.file = join(options.dataDir, SCHEDULE_MARKS_FILE);
    this.marks = readMarks(this.file);
  }

  /** Applies the catch-up policies to missed fires, then arms every schedule. */
  start(): void {
    const now = this.clock.now();
    for (const pipeline of this.options.pipelines()) {
      const schedule = scheduleOf(pipeline);
      if (schedule === undefined) continue;
      const last = this.marks.last[pipeline.name];
      if (last !== undefined) this.catchUp(pipeline, schedule, new Date(last), now);
      this.mark(pipeline.name, now);
      this.arm(pipeline.name, schedule, now);
    }
  }

  /** Starts the run of one fire; a fire already handled starts nothing (its run id exists). */
  fire(pipeline: string, scheduledTime: Date, catchUp = false): void {
    const runId = scheduledRunName(pipeline, scheduledTime);
    const input: RunInput = { source: 'schedule', scheduledTime: scheduledTime.toISOString(), ...(catchUp ? { catchUp: true } : {}) };
    try {
      this.options.startRun(pipeline, input, runId);
      this.options.events.emit({ type: 'schedule', pipeline, action: catchUp ? 'caught-up' : 'fired', scheduledTimes: [input.scheduledTime as string], runId });
    } catch (error) {
      if (!(error instanceof RunAlreadyExistsError)) throw error;
      this.options.events.emit({ type: 'schedule', pipeline, action: 'duplicate', scheduledTimes: [scheduledTime.toISOString()], runId });
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) this.clock.clearTimeout(timer);
    this.timers.clear();
  }

  private catchUp(pipeline: PipelineSource, schedule: Schedule, since: Date, now: Date): void {
    const missed = schedule.between(since, now, MISSED_SHOWN + 1);
    if (missed.length === 0) return;
    const shown = missed.slice(0, MISSED_SHOWN).map((time) => time.toISOString());
    this.options.events.emit({ type: 'schedule', pipeline: pipeline.name, action: 'missed', scheduledTimes: shown, more: missed.length > MISSED_SHOWN });
    if (pipeline.graph.trigger?.catchUp === 'latest') {
      // The most recent missed fire, found from now backwards: the list above may stop early.
      const latest = lastFireBefore(schedule, since, now);
      if (latest !== undefined) this.fire(pipeline.name, latest, true);
    } else this.options.events.emit({ type: 'schedule', pipeline: pipeline.name, action: 'skipped', scheduledTimes: shown, more: missed.length > MISSED_SHOWN });
  }

  private arm(pipeline: string, schedule: Schedule, after: Date): void {
    if (this.stopped) return;
    const next = schedule.next(after);
    if (next === undefined) return;
    const wait = Math.max(0, next.getTime() - this.clock.now().getTime());
    this.timers.set(
      pipeline,
      this.clock.setTimeout(
        () => {
          if (this.stopped) return;
          const now = this.clock.now();
          if (now < next) return this.arm(pipeline, schedule, after);
          // Late by more than a minute: the wall clock jumped (suspend and resume, an NTP step) or the
          // process stalled. The fires due are missed fires, handled by the pipeline's catchUp policy
          // as at start — firing each at once started 121 runs in one second.
          const source = now.getTime() - next.getTime() > LATE_FIRE_MS ? this.options.pipelines().find((p) => p.name === pipeline) : undefined;
          if (source === undefined) this.fire(pipeline, next);
          else this.catchUp(source, schedule, after, now);
          const handled = source === undefined ? next : now;
          this.mark(pipeline, handled);
          this.arm(pipeline, schedule, handled);
        },
        Math.min(wait, MAX_TIMER_MS),
      ),
    );
  }

  private mark(pipeline: string, at: Date): void {
    this.marks.last[pipeline] = at.toISOString();
    // Write then rename: a crash never leaves half a file.
    writeFileSync(`${this.file}.tmp`, `${JSON.stringify(this.marks, null, 2)}\n`);
    renameSync(`${this.file}.tmp`, this.file);
  }
}

const scheduleOf = (pipeline: PipelineSource): Schedule | undefined => {
  const trigger = pipeline.graph.trigger;
  return trigger?.schedule === undefined ? undefined : parseSchedule(trigger.schedule, trigger.timezone ?? 'UTC');
};

/** The last fire in (since, now]: walked in windows from now back, so a long outage costs little. */
function lastFireBefore(schedule: Schedule, since: Date, now: Date): Date | undefined {
  for (let span = 3_600_000; ; span *= 4) {
    const from = new Date(Math.max(since.getTime(), now.getTime() - span));
    const fires = schedule.between(from, now);
    if (fires.length > 0) return fires[fires.length - 1];
    if (from.getTime() === since.getTime()) return undefined;
  }
}
