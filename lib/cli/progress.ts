/**
 * Live progress of a run: on a terminal, a task list redrawn in place (which steps are waiting,
 * running, retried, done, failed); elsewhere (CI logs, pipes), one plain line per change.
 */

import type { StepStatus } from '../local/run-record';
import type { RuntimeEvent } from '../local/runtime';

const SYMBOLS: Record<StepStatus, string> = { PENDING: '·', RUNNING: '▶', RETRYING: '↻', SUCCEEDED: '✔', FAILED: '✖', SKIPPED: '–', ABORTED: '■' };

interface StepLine {
  status: StepStatus;
  attempt: number;
  startedMs?: number;
  elapsedMs?: number;
  note?: string | undefined;
}

export class ProgressView {
  private readonly steps = new Map<string, StepLine>();
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly interactive: boolean,
    stepIds: readonly string[],
    private readonly runId: () => string | undefined,
  ) {
    for (const id of stepIds) this.steps.set(id, { status: 'PENDING', attempt: 0 });
    if (interactive) {
      this.timer = setInterval(() => this.draw(), 250);
      this.timer.unref();
    }
  }

  onEvent(event: RuntimeEvent): void {
    if (event.type !== 'step' || event.runId !== this.runId()) return;
    const line = this.steps.get(event.step);
    if (line === undefined) return;
    const now = Date.now();
    if (event.status === 'RUNNING') Object.assign(line, { startedMs: line.startedMs ?? now });
    else if (line.startedMs !== undefined) line.elapsedMs = now - line.startedMs;
    line.status = event.status;
    line.attempt = event.attempt;
    line.note = event.error === undefined ? undefined : `${event.error.error}: ${event.error.cause}`.split('\n')[0]?.slice(0, 160);
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
    return `${label}${attempt}${time}${line.note === undefined ? '' : ` — ${line.note}`}`;
  }

  private draw(): void {
    const lines = [...this.steps].map(([id, line]) => `  ${SYMBOLS[line.status]} ${id.padEnd(24)} ${this.describe(line)}`);
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}`);
    this.drawnLines = lines.length;
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
    if (this.interactive) this.draw();
  }
}
