/** What the embedded runtime reports as it works: runs, their steps, and every upload decision. */
import type { KeyedOutcome } from '../../runtime/keyed/conductor';
import type { IngestEventDecision } from '../triggers/ingest-router';
import type { RunRecord, StepError, StepStatus } from './run-record';

export type RuntimeEvent =
  | { readonly type: 'run-started'; readonly run: RunRecord }
  | {
      readonly type: 'step';
      readonly runId: string;
      readonly step: string;
      readonly status: StepStatus;
      readonly attempt: number;
      readonly error?: StepError;
      readonly reusedFrom?: { readonly runId: string; readonly step: string };
    }
  /** A step printed `progress N%` (a model's own progress lines, translated by its runner). */
  | { readonly type: 'step-progress'; readonly runId: string; readonly step: string; readonly attempt: number; readonly percent: number }
  | { readonly type: 'run-finished'; readonly run: RunRecord }
  /** A handler's code changed since it was last loaded: the next attempts run the new bundle. */
  | { readonly type: 'handler-reloaded'; readonly entry: string; readonly hash: string }
  | {
      readonly type: 'ingest';
      readonly pipeline: string;
      readonly key: string;
      readonly decision: IngestEventDecision;
      /** Decided again at start for an upload stored while no runtime ran (see LocalRuntime.reconcileUploads). */
      readonly replayed?: boolean;
    }
  /** What the conductor decided for a data item or a scheduled check of a keyed trigger. */
  | { readonly type: 'keyed'; readonly outcome: KeyedOutcome; readonly replayed?: boolean }
  /**
   * A schedule fired (a run started), fired again for a time already handled (duplicate), or was found
   * to have missed fires while nothing ran, which were then skipped or caught up (the latest ran).
   */
  | {
      readonly type: 'schedule';
      readonly pipeline: string;
      readonly action: 'fired' | 'duplicate' | 'missed' | 'skipped' | 'caught-up';
      /** ISO 8601; for missed and skipped, the earliest ones (`more` when the list stops short). */
      readonly scheduledTimes: readonly string[];
      readonly more?: boolean;
      readonly runId?: string;
    };

export type RuntimeListener = (event: RuntimeEvent) => void;

/** Listeners of one runtime (never shared between runtimes). */
export class RuntimeEvents {
  private readonly listeners: RuntimeListener[] = [];

  on(listener: RuntimeListener): () => void {
    this.listeners.push(listener);
    return () => void this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  emit(event: RuntimeEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
