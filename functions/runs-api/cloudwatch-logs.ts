/**
 * A run's log lines on AWS: every line mentioning the run id in its pipeline's execution log group and
 * its steps' log groups (named at synth: lib/contract/log-groups.ts), merged in time order. Lines of
 * a group shared by several steps (simulate-step) name their step in the Powertools JSON line.
 */
import { type CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import type { PipelineDescription } from '../../lib/contract/pipeline-description';
import type { LogLine as RunLogLine } from '../../lib/contract/run-answers';
import type { RunLogs } from '../../lib/runtime/run-logs';
import { isJsonRecord } from '../../lib/shared/json';

/** Lines read per run at most: enough for any page a client asks for, bounded for the function's 29 s. */
export const MAX_RUN_LOG_LINES = 10_000;
const LOG_SPAN_BEFORE_MS = 60_000;
const LOG_SPAN_AFTER_MS = 300_000;

export function cloudWatchRunLogs(client: CloudWatchLogsClient, descriptions: Readonly<Record<string, PipelineDescription>>): RunLogs {
  return {
    async read(pipeline, runId, page, during) {
      // Only the run's span (a minute before its start for clocks, five after its stop for delivery): a
      // filter over a log group's whole retention scanned months of other runs' lines for each page.
      const span =
        during === undefined
          ? {}
          : { startTime: during.start.getTime() - LOG_SPAN_BEFORE_MS, ...(during.stop === undefined ? {} : { endTime: during.stop.getTime() + LOG_SPAN_AFTER_MS }) };
      const described = Object.hasOwn(descriptions, pipeline) ? descriptions[pipeline] : undefined;
      const groups = new Map<string, string[]>();
      if (described?.executionLogGroup !== undefined) groups.set(described.executionLogGroup, []);
      for (const [stepId, step] of Object.entries(described?.steps ?? {}))
        if (step.logGroup !== undefined) groups.set(step.logGroup, [...(groups.get(step.logGroup) ?? []), stepId]);
      const lines: Array<RunLogLine & { readonly at: number }> = [];
      for (const [logGroupName, steps] of groups) {
        for await (const found of paginateFilterLogEvents({ client }, { logGroupName, filterPattern: JSON.stringify(runId), ...span })) {
          for (const event of found.events ?? []) {
            const message = event.message ?? '';
            const step = steps.length === 1 ? steps[0] : stepNamedIn(message);
            lines.push({ at: event.timestamp ?? 0, time: new Date(event.timestamp ?? 0).toISOString(), ...(step === undefined ? {} : { step }), message: message.trimEnd() });
          }
          if (lines.length >= MAX_RUN_LOG_LINES) break;
        }
      }
      lines.sort((a, b) => a.at - b.at);
      const selected = lines.slice(page.offset, page.offset + page.limit).map(({ at: _, ...line }) => line);
      return { lines: selected, more: page.offset + page.limit < lines.length };
    },
  };
}

/** The `step` field of a Powertools JSON line, if it is one. */
function stepNamedIn(message: string): string | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    return isJsonRecord(parsed) && typeof parsed['step'] === 'string' ? parsed['step'] : undefined;
  } catch {
    return undefined;
  }
}
