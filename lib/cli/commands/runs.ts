/** `orchestra runs` and `orchestra logs <run-id>`: read the local run store (no server needed). */

import { summarise } from '../../local/runs/run-record';
import { RunStore } from '../../local/runs/run-store';
import { UsageError } from '../../shared/errors';
import { EXIT_OK } from '../exit-codes';
import { type DataDirOption, dataDirOf } from '../local-session';
import type { Output } from '../output';

const duration = (start: string, stop: string | undefined): string => (stop === undefined ? 'running' : `${((Date.parse(stop) - Date.parse(start)) / 1000).toFixed(1)} s`);

/** The run table of `orchestra runs`, local or through the runs API. */
export const RUNS_TABLE_HEADER = `${'RUN ID'.padEnd(40)} ${'PIPELINE'.padEnd(18)} ${'STATUS'.padEnd(10)} ${'STARTED'.padEnd(20)} DURATION`;

export const runsTableRow = (run: { runId: string; pipeline: string; status: string; startedAt: string; stoppedAt?: string | undefined }): string =>
  `${run.runId.padEnd(40)} ${run.pipeline.padEnd(18)} ${run.status.padEnd(10)} ${run.startedAt.slice(0, 19).replace('T', ' ').padEnd(20)} ${duration(run.startedAt, run.stoppedAt)}`;

export function runsCommand(options: DataDirOption & { json?: boolean; limit?: number }, output: Output): number {
  const scanned = new RunStore(dataDirOf(options)).scan();
  for (const damaged of scanned.damaged) output.err(`warning: ${damaged.message}`);
  const runs = scanned.runs.slice(0, options.limit ?? 20);
  if (options.json === true) {
    output.out(JSON.stringify(runs.map(summarise), null, 2));
    return EXIT_OK;
  }
  if (runs.length === 0) {
    output.out('no runs yet — start one with `orchestra run <pipeline>` or upload to an ingest prefix while `orchestra up` runs');
    return EXIT_OK;
  }
  output.out(RUNS_TABLE_HEADER);
  for (const run of runs) output.out(runsTableRow(run));
  return EXIT_OK;
}

/** Powertools JSON lines and EMF metric lines, shortened to what a reader scans for. */
export function readableLogLine(message: string): string {
  if (!message.startsWith('{')) return message;
  try {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    const emf = parsed['_aws'] as { CloudWatchMetrics?: Array<{ Metrics: Array<{ Name: string }> }> } | undefined;
    if (emf?.CloudWatchMetrics !== undefined) return `metrics ${emf.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => `${x.Name}=${String(parsed[x.Name])}`)).join(' ')}`;
    if (typeof parsed['level'] !== 'string' || typeof parsed['message'] !== 'string') return message;
    const hidden = new Set([
      'level',
      'message',
      'timestamp',
      'service',
      'cold_start',
      'function_arn',
      'function_memory_size',
      'function_name',
      'function_request_id',
      'sampling_rate',
      'xray_trace_id',
      'runId',
      'step',
    ]);
    const extra = Object.fromEntries(Object.entries(parsed).filter(([key]) => !hidden.has(key)));
    return `${parsed['level']} ${parsed['message']}${Object.keys(extra).length === 0 ? '' : ` ${JSON.stringify(extra)}`}`;
  } catch {
    return message;
  }
}

export function logsCommand(runId: string, options: DataDirOption & { step?: string }, output: Output): number {
  const store = new RunStore(dataDirOf(options));
  const run = store.get(runId);
  const entries = store.readLog(runId);
  output.out(`Run ${run.runId} (${run.pipeline}): ${run.status}${run.error === undefined ? '' : ` — ${run.error.error}: ${run.error.cause}`}`);
  const steps = options.step === undefined ? Object.keys(run.steps) : [options.step];
  const general = entries.filter((e) => e.step === undefined);
  for (const entry of general) output.out(`${entry.time.slice(11, 23)} ${entry.message}`);
  for (const id of steps) {
    const step = run.steps[id];
    if (step === undefined) throw new UsageError(`run ${runId} has no step "${id}" (steps: ${Object.keys(run.steps).join(', ')})`);
    output.out(
      `\n── ${id}: ${step.status}${step.attempts > 1 ? ` after ${step.attempts} attempts` : ''}${step.error === undefined ? '' : ` — ${step.error.error}: ${step.error.cause}`}`,
    );
    for (const entry of entries.filter((e) => e.step === id)) {
      output.out(
        `${entry.time.slice(11, 23)} [${entry.attempt ?? 1}${entry.stream === 'stderr' ? ' err' : entry.stream === 'system' ? ' sys' : ''}] ${readableLogLine(entry.message)}`,
      );
    }
  }
  return EXIT_OK;
}
