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
}

/**
 * The in-process invocations being measured now, across every runtime of the process (the one
 * piece of process-wide state: the figures it guards are the process's): one starting beside another
 * makes both shared.
 */
const active = new Set<Measuring>();

const megabytes = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function meterInProcess(): { stop(): InProcessUsage } {
  const measuring: Measuring = { shared: active.size > 0 };
  for (const other of active) other.shared = true;
  active.add(measuring);
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  let maxRss = process.memoryUsage.rss();
  const timer = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage.rss());
  }, SAMPLE_INTERVAL_MS).unref();
  return {
    stop() {
      clearInterval(timer);
      active.delete(measuring);
      const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
      if (measuring.shared)
        return { durationMs, note: "ran beside other in-process work: Orchestra's process CPU and memory are not its own (on AWS, Lambda's REPORT line gives them)" };
      const cpu = process.cpuUsage(cpuAtStart);
      return {
        durationMs,
        cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10,
        maxMemoryMb: megabytes(Math.max(maxRss, process.memoryUsage.rss())),
        note: "ran alone in Orchestra's process: CPU and peak memory are the whole process's (engine and embedded S3 included), an upper bound",
      };
    },
  };
}
