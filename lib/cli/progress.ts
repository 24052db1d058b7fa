/**
 * Live progress of a run: on a terminal, a task list redrawn in place (which steps are waiting,
 * running, retried, done, failed) by log-update, which wraps to the terminal's width and erases
 * exactly what it drew; elsewhere (CI logs, pipes), one plain line per change.
 */

import { createLogUpdate } from 'log-update';
import type { StepStatus } from '../local/runs/run-record';
import type { RuntimeEvent } from '../local/runtime';

const SYMBOLS: Record<StepStatus, string> = { PENDING: '·', RUNNING: '▶', RETRYING: '↻', SUCCEEDED: '✔', FAILED: '✖', SKIPPED: '–', ABORTED: '■' };

interface StepLine {
  status: StepStatus;
  attempt: number;
  startedMs?: number;
  elapsedMs?: number;
  note?: string | undefined;
  /** The last `progress N%` the running attempt printed. */
  percent?: number | undefined;
}

/** A terminal stream (its `columns` give the width) or a sink for plain lines. */
export type ProgressTarget = { readonly terminal: NodeJS.WritableStream & { readonly columns?: number; readonly rows?: number } } | { readonly lines: (text: string) => void };

export class ProgressView {
  private readonly steps = new Map<string, StepLine>();
  private readonly frame: ReturnType<typeof createLogUpdate> | undefined;
  private readonly write: (text: string) => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    target: ProgressTarget,
    stepIds: readonly string[],
    private readonly runId: () => string | undefined,
  ) {
    for (const id of stepIds) this.steps.set(id, { status: 'PENDING', attempt: 0 });
    // A pseudo-terminal that reports no size (0 columns or rows, as some CI runners do) cannot be redrawn in place: plain lines then.
    if ('terminal' in target && (target.terminal.columns ?? 0) > 0 && (target.terminal.rows ?? 0) > 0) {
      const { terminal } = target;
      this.frame = createLogUpdate(terminal, { showCursor: true });
      this.write = (text) => void terminal.write(text.endsWith('\n') ? text : `${text}\n`);
      this.timer = setInterval(() => this.draw(), 250);
      this.timer.unref();
    } else {
      this.write = 'lines' in target ? target.lines : (text) => void target.terminal.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  private get interactive(): boolean {
    return this.frame !== undefined;
  }

  /** A message that stays (above the live list on a terminal). */
  log(text: string): void {
    if (this.frame === undefined) this.write(text);
    else this.frame.persist(text);
  }

  onEvent(event: RuntimeEvent): void {
    if ((event.type !== 'step' && event.type !== 'step-progress') || event.runId !== this.runId()) return;
    const line = this.steps.get(event.step);
    if (line === undefined) return;
    const now = Date.now();
    if (event.type === 'step-progress') {
      if (line.status !== 'RUNNING' || line.percent === event.percent) return;
      line.percent = event.percent;
      if (this.interactive) this.draw();
      else this.write(`${new Date(now).toISOString().slice(11, 19)} ${event.step.padEnd(24)} ${this.describe(line)}`);
      return;
    }
    line.percent = undefined;
    if (event.status === 'RUNNING') Object.assign(line, { startedMs: line.startedMs ?? now });
    else if (line.startedMs !== undefined) line.elapsedMs = now - line.startedMs;
    line.status = event.status;
    line.attempt = event.attempt;
    line.note =
      event.error !== undefined
        ? `${event.error.error}: ${event.error.cause}`.split('\n')[0]?.slice(0, 160)
        : event.reusedFrom === undefined
          ? undefined
          : `reused from run ${event.reusedFrom.runId}`;
    if (this.interactive) this.draw();
    else this.write(`${new Date(now).toISOString().slice(11, 19)} ${event.step.padEnd(24)} ${this.describe(line)}`);
  }

  private describe(line: StepLine): string {
    const attempt = line.attempt > 1 ? ` (attempt ${line.attempt})` : '';
    const time =
      line.status === 'RUNNING' && line.startedMs !== undefined
        ? ` ${((Date.now() - line.startedMs) / 1000).toFixed(1)} s`
        : line.elapsedMs === undefined
          ? ''
          : ` ${(line.elapsedMs / 1000).toFixed(1)} s`;
    const label = { PENDING: 'waiting', RUNNING: 'running', RETRYING: 'failed, will retry', SUCCEEDED: 'done', FAILED: 'failed', SKIPPED: 'skipped', ABORTED: 'stopped' }[
      line.status
    ];
    const percent = line.status === 'RUNNING' && line.percent !== undefined ? ` ${line.percent}%` : '';
    return `${label}${percent}${attempt}${time}${line.note === undefined ? '' : ` — ${line.note}`}`;
  }

  private draw(): void {
    this.frame?.([...this.steps].map(([id, line]) => `  ${SYMBOLS[line.status]} ${id.padEnd(24)} ${this.describe(line)}`).join('\n'));
  }

  /** Marks steps the run never reached, draws the final state and stops redrawing. */
  finish(finalStatuses: Readonly<Record<string, { status: StepStatus }>>): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const [id, step] of Object.entries(finalStatuses)) {
      const line = this.steps.get(id);
      if (line !== undefined && line.status !== step.status) {
        line.status = step.status;
        if (!this.interactive) this.write(`${new Date().toISOString().slice(11, 19)} ${id.padEnd(24)} ${this.describe(line)}`);
      }
    }
    if (this.frame !== undefined) {
      this.draw();
      this.frame.done();
    }
  }
}
