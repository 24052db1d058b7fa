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

/** One invocation's figures in a few words, with how they were measured. */
export function invocationText(used: InvocationUsage): UsageText & { readonly duration: string } {
  const shared = used.scope === 'process' ? ' (process)' : '';
  return {
    duration: milliseconds(used.durationMs),
    cpu: used.cpuMs === undefined ? '—' : `${milliseconds(used.cpuMs)}${shared}`,
    memory:
      used.maxMemoryMb === undefined
        ? used.memorySizeMb === undefined
          ? '—'
          : `— of ${used.memorySizeMb} MB`
        : `${Math.round(used.maxMemoryMb)}${used.memorySizeMb === undefined ? '' : ` of ${used.memorySizeMb}`} MB${shared}`,
    billed: used.billedDurationMs === undefined ? '' : milliseconds(used.billedDurationMs),
    basis: `${MEASURED_BY_TEXT[used.measuredBy]}${used.note === undefined ? '' : `: ${used.note}`}`,
  };
}

/** A step's usage: its last invocation's (a retried step's attempt that counted), saying how many there were. */
export function usageText(usage: readonly InvocationUsage[] | undefined): UsageText | undefined {
  const last = usage?.at(-1);
  if (last === undefined) return undefined;
  const { cpu, memory, billed, basis } = invocationText(last);
  const of = usage !== undefined && usage.length > 1 ? ` — the last of ${usage.length} invocations` : '';
  return { cpu, memory, billed, basis: `${basis}${of}` };
}
