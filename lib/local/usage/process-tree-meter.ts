/**
 * What a local container step's process used: CPU time and peak resident memory of the process and
 * every process it started, read from Linux's /proc while it runs. Node exposes no child's rusage
 * (libuv reaps the child without keeping it), so the tree is sampled: CPU time is exact up to the last
 * sample (a process's reaped children are in its cutime/cstime), memory is the tree's largest sampled
 * total. Without /proc (macOS) only the duration is measured, and the usage says so.
 */
import { readFile } from 'node:fs/promises';

/** How often the tree is sampled: short enough for a short model run, cheap (a few small reads). */
export const SAMPLE_INTERVAL_MS = 100;
/** Linux reports CPU in USER_HZ ticks, 100 per second on every architecture Node supports. */
const TICKS_PER_SECOND = 100;

export interface ProcessTreeUsage {
  readonly durationMs: number;
  readonly cpuMs?: number;
  readonly maxMemoryMb?: number;
  readonly note: string;
}

interface ProcessFigures {
  readonly cpuTicks: number;
  readonly rssKb: number;
  readonly children: readonly number[];
}

/** `/proc/<pid>/stat`'s CPU fields (after the command name, which may hold spaces and parentheses). */
function cpuTicksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime: fields 14-17 of stat(5), 11-14 after the name.
  return [11, 12, 13, 14].reduce((sum, index) => sum + (Number(fields[index]) || 0), 0);
}

const rssKbOf = (status: string): number => Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);

async function figuresOf(pid: number): Promise<ProcessFigures | undefined> {
  try {
    const [stat, status, children] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
      readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => ''),
    ]);
    return {
      cpuTicks: cpuTicksOf(stat),
      rssKb: rssKbOf(status),
      children: children
        .split(' ')
        .filter((s) => s !== '')
        .map(Number),
    };
  } catch {
    return undefined; // It ended between the listing and the read.
  }
}

/** The tree's CPU ticks and resident kB now, or undefined when the root is gone. */
async function sampleTree(root: number): Promise<{ cpuTicks: number; rssKb: number } | undefined> {
  let cpuTicks = 0;
  let rssKb = 0;
  let pending = [root];
  let seenRoot = false;
  while (pending.length > 0) {
    const found = await Promise.all(pending.map(figuresOf));
    pending = [];
    for (const figures of found) {
      if (figures === undefined) continue;
      seenRoot = true;
      cpuTicks += figures.cpuTicks;
      rssKb += figures.rssKb;
      pending.push(...figures.children);
    }
    if (!seenRoot) return undefined;
  }
  return { cpuTicks, rssKb };
}

/** Starts sampling `pid`'s tree; `stop()` (when it has exited) gives what it used. */
export function meterProcessTree(pid: number | undefined, startedAt = performance.now()): { stop(): ProcessTreeUsage } {
  let maxTicks: number | undefined;
  let maxRssKb: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const measurable = pid !== undefined && process.platform === 'linux';
  const sample = async () => {
    if (stopped || pid === undefined) return;
    const now = await sampleTree(pid);
    if (now !== undefined) {
      maxTicks = Math.max(maxTicks ?? 0, now.cpuTicks);
      maxRssKb = Math.max(maxRssKb ?? 0, now.rssKb);
    }
    if (!stopped) timer = setTimeout(() => void sample(), SAMPLE_INTERVAL_MS).unref();
  };
  if (measurable) void sample();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      const durationMs = Math.round(performance.now() - startedAt);
      if (!measurable) return { durationMs, note: `CPU and memory are read from /proc, which ${process.platform} does not have: duration only` };
      return {
        durationMs,
        ...(maxTicks === undefined ? {} : { cpuMs: (maxTicks * 1000) / TICKS_PER_SECOND }),
        ...(maxRssKb === undefined ? {} : { maxMemoryMb: Math.round((maxRssKb / 1024) * 10) / 10 }),
        note: `the process and every process it started, sampled every ${SAMPLE_INTERVAL_MS} ms from /proc (CPU to within a sample; a run shorter than one may show none)`,
      };
    },
  };
}
