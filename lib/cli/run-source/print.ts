/** How `orchestra runs`, `logs`, `status` (and a followed run's end) print, whichever source they read: one shape. */
import { formatUsd as dollars } from '../../contract/prices';
import type { ReuseDecisionAnswer, RunDetail, RunSummary } from '../../contract/run-answers';
import { usageText } from '../../contract/usage-text';
import type { Output } from '../output';
import type { SourceLogLine } from './source';

const duration = (start: string, stop: string | undefined): string => (stop === undefined ? 'running' : `${((Date.parse(stop) - Date.parse(start)) / 1000).toFixed(1)} s`);

const RUNS_TABLE_HEADER = `${'RUN ID'.padEnd(40)} ${'PIPELINE'.padEnd(18)} ${'STATUS'.padEnd(10)} ${'STARTED'.padEnd(20)} ${'DURATION'.padEnd(10)} COST ON AWS`;

const runsTableRow = (run: RunSummary): string =>
  `${run.runId.padEnd(40)} ${run.pipeline.padEnd(18)} ${run.status.padEnd(10)} ${run.startedAt.slice(0, 19).replace('T', ' ').padEnd(20)} ${duration(run.startedAt, run.stoppedAt).padEnd(10)} ${run.costUsd === undefined ? '' : dollars(run.costUsd)}`.trimEnd();

export function printRuns(runs: readonly RunSummary[], where: string, json: boolean, output: Output): void {
  if (json) output.out(JSON.stringify(runs, null, 2));
  else if (runs.length === 0) output.out(`no runs at ${where} — start one with \`orchestra run <pipeline>\`, or upload to an ingest prefix while \`orchestra up\` runs`);
  else {
    for (const line of [RUNS_TABLE_HEADER, ...runs.map(runsTableRow)]) output.out(line);
    const costs = runs.flatMap((run) => (run.costUsd === undefined ? [] : [run.costUsd]));
    if (costs.length > 0)
      output.out(`${costs.length} finished run(s) listed: ${dollars(costs.reduce((sum, usd) => sum + usd, 0))} on AWS at their durations (an estimate from their histories)`);
  }
}

const errorText = (error: string | undefined, cause: string | undefined): string => (error === undefined ? '' : ` — ${error}: ${cause ?? ''}`);

export function printRun(run: RunDetail, json: boolean, output: Output): void {
  if (json) {
    output.out(JSON.stringify(run, null, 2));
    return;
  }
  output.out(`Run ${run.runId} (${run.pipeline}): ${run.status}${errorText(run.error, run.cause)}`);
  for (const [id, step] of Object.entries(run.steps))
    output.out(
      `  ${id.padEnd(28)} ${step.status.padEnd(10)}${step.attempts > 1 ? ` after ${step.attempts} attempts` : ''}${errorText(step.error, step.cause)}${step.reusedFrom === undefined ? '' : ` — reused from run ${step.reusedFrom.runId}`}${costText(run.cost?.steps[id]?.usd)}${usageLine(step.usage)}`,
    );
  if (run.cost !== undefined)
    output.out(
      `Cost on AWS: ${dollars(run.cost.totalUsd)} at this run's durations (${run.cost.prices.region} prices of ${run.cost.prices.asOf}, an estimate${run.cost.basis === 'billed' ? " at Lambda's billed durations" : ' from its history'})`,
    );
}

const usageLine = (usage: RunDetail['steps'][string]['usage']): string => {
  const text = usageText(usage);
  return text === undefined ? '' : `  CPU ${text.cpu}, memory ${text.memory}`;
};

const costText = (usd: number | undefined): string => (usd === undefined ? '' : `  ${dollars(usd)}`);

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

/** `[step]`, with the attempt after the first and the stream when it is not stdout: `[fetch 2 err]`. */
const tagOf = (line: SourceLogLine): string =>
  `[${[line.step ?? 'run', ...(line.attempt !== undefined && line.attempt > 1 ? [String(line.attempt)] : []), ...(line.stream === 'stderr' ? ['err'] : line.stream === 'system' ? ['sys'] : [])].join(' ')}]`;

const lineText = (line: SourceLogLine): string => `${line.time.slice(11, 23)} ${tagOf(line)} ${readableLogLine(line.message)}`;

/** A run's logs: the run's own lines, then each step (or only `steps`) under its outcome. */
export function printLogs(run: RunDetail, lines: readonly SourceLogLine[], steps: readonly string[], output: Output): void {
  output.out(`Run ${run.runId} (${run.pipeline}): ${run.status}${errorText(run.error, run.cause)}`);
  for (const line of lines.filter((l) => l.step === undefined)) output.out(lineText(line));
  for (const id of steps) {
    const step = run.steps[id];
    output.out(
      `\n── ${id}: ${step?.status ?? 'PENDING'}${step !== undefined && step.attempts > 1 ? ` after ${step.attempts} attempts` : ''}${errorText(step?.error, step?.cause)}`,
    );
    for (const line of lines.filter((l) => l.step === id)) output.out(lineText(line));
  }
}

/** A digest as a reader compares two: its first 12 hex digits. */
const short = (digest: string | undefined): string => (digest === undefined ? '—' : /^[0-9a-f]{64}$/.test(digest) ? `${digest.slice(0, 12)}…` : digest);

/** `orchestra why`: the decision in words, the parts that changed first. */
export function printReuseDecision(decision: ReuseDecisionAnswer, json: boolean, output: Output): void {
  if (json) {
    output.out(JSON.stringify(decision, null, 2));
    return;
  }
  const parts = Object.keys(decision.fingerprint).length;
  const head = `${decision.step} of run ${decision.runId} (${decision.pipeline})`;
  if (decision.outcome === 'reused') {
    output.out(
      `${head}: reused from run ${decision.reusedFrom?.runId ?? '?'} — nothing that decides its result changed (${parts} parts: its spec, code, parameters, input files, dependencies, reads).`,
    );
    return;
  }
  output.out(`${head}: computed — ${decision.reason}.`);
  const changes = decision.changes ?? [];
  if (decision.comparedWith === undefined) output.out('No earlier run of this step had saved an entry to compare with.');
  else if (changes.length === 0) output.out(`Its fingerprint is that of run ${decision.comparedWith.runId}, its newest entry.`);
  else {
    output.out(`What changed since run ${decision.comparedWith.runId} (the step's newest entry):`);
    const width = Math.min(60, Math.max(...changes.map((c) => c.part.length)));
    for (const change of changes) output.out(`  ${change.part.padEnd(width)}  ${change.change.padEnd(8)} ${short(change.before)} → ${short(change.after)}`);
  }
  if (decision.savedAt !== undefined) output.out(`Saved for later runs at ${decision.savedAt}.`);
}
