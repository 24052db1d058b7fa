/**
 * What an in-process handler used, as honestly as a shared process allows. Its duration is its own.
 * CPU time and resident memory can only be read for the whole Orchestra process (engine, embedded S3
 * and every handler share it): they are given when the handler ran alone — an upper bound of its own,
 * `scope: "process"` — and left out, with the reason, when other in-process work overlapped it.
 */
import { SAMPLE_INTERVAL_MS } from './process-tree-meter';

export interface InProcessUsage {
  readonly durationMs: number;
  readonly cpuMs?: number;
  readonly maxMemoryMb?: number;
  readonly note: string;
}

interface Measuring {
  shared: boolean;
  /** Read only while it runs alone: once shared, its figures are not given, so nothing more is read. */
  maxRss: number;
}

/**
 * The in-process invocations being measured now, across every runtime of the process (the one
 * piece of process-wide state: the figures it guards are the process's): one starting beside another
 * makes both shared.
 */
const active = new Set<Measuring>();
/** One sampler for them all, running only while one runs alone (a burst of runs shares it and reads nothing). */
let sampler: ReturnType<typeof setInterval> | undefined;

const megabytes = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

function sampleWhileAlone(): void {
  const [alone] = active;
  if (active.size !== 1 || alone === undefined || alone.shared) {
    clearInterval(sampler);
    sampler = undefined;
    return;
  }
  alone.maxRss = Math.max(alone.maxRss, process.memoryUsage.rss());
}

export function meterInProcess(): { stop(): InProcessUsage } {
  const shared = active.size > 0;
  for (const other of active) other.shared = true;
  const measuring: Measuring = { shared, maxRss: shared ? 0 : process.memoryUsage.rss() };
  active.add(measuring);
  const startedAt = performance.now();
  const cpuAtStart = shared ? undefined : process.cpuUsage();
  if (!shared) sampler ??= setInterval(sampleWhileAlone, SAMPLE_INTERVAL_MS).unref();
  return {
    stop() {
      active.delete(measuring);
      if (active.size === 0) {
        clearInterval(sampler);
        sampler = undefined;
      }
      const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
      if (measuring.shared || cpuAtStart === undefined)
        return { durationMs, note: "ran beside other in-process work: Orchestra's process CPU and memory are not its own (on AWS, Lambda's REPORT line gives them)" };
      const cpu = process.cpuUsage(cpuAtStart);
      return {
        durationMs,
        cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10,
        maxMemoryMb: megabytes(Math.max(measuring.maxRss, process.memoryUsage.rss())),
        note: "ran alone in Orchestra's process: CPU and peak memory are the whole process's (engine and embedded S3 included), an upper bound",
      };
    },
  };
}
