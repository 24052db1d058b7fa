/**
 * A step's usage in a few words, the same in `orchestra status` and the console: the last
 * invocation's figures (a retried step's attempt that counted), with how they were measured.
 */
import type { InvocationUsage } from './run-answers';

const milliseconds = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

/** Where the figures come from, as a reader would name it. */
export const MEASURED_BY_TEXT: Readonly<Record<InvocationUsage['measuredBy'], string>> = {
  'lambda-report': "Lambda's REPORT line",
  'container-insights': "Container Insights' task samples",
  'local-process': 'the operating system (the process and what it started)',
  'in-process': "Orchestra's process, the handler running in it",
};

export interface UsageText {
  readonly cpu: string;
  readonly memory: string;
  readonly billed: string;
  /** How it was measured, and what a figure covers or why it is missing. */
  readonly basis: string;
}

export function usageText(usage: readonly InvocationUsage[] | undefined): UsageText | undefined {
  const last = usage?.at(-1);
  if (last === undefined) return undefined;
  const shared = last.scope === 'process' ? ' (process)' : '';
  const of = usage !== undefined && usage.length > 1 ? ` — the last of ${usage.length} invocations` : '';
  return {
    cpu: last.cpuMs === undefined ? '—' : `${milliseconds(last.cpuMs)}${shared}`,
    memory:
      last.maxMemoryMb === undefined
        ? last.memorySizeMb === undefined
          ? '—'
          : `— of ${last.memorySizeMb} MB`
        : `${Math.round(last.maxMemoryMb)}${last.memorySizeMb === undefined ? '' : ` of ${last.memorySizeMb}`} MB${shared}`,
    billed: last.billedDurationMs === undefined ? '' : milliseconds(last.billedDurationMs),
    basis: `${MEASURED_BY_TEXT[last.measuredBy]}${last.note === undefined ? '' : `: ${last.note}`}${of}`,
  };
}
