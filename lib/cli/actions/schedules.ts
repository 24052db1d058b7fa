/** `orchestra schedules [pipeline-or-file] [--next N] [--from <ISO time>] [--json]`: when each schedule fires next, computed by the code that fires them. */
import { join } from 'node:path';
import { loadCatalogue, loadPipeline } from '../../catalogue';
import { parseSchedule } from '../../contract/schedule';
import type { PipelineGraph } from '../../graph/schema';
import { projectRootOf } from '../../graph/validate';
import { UsageError } from '../../shared/errors';
import type { schedulesCommand } from '../commands/schedules';
import type { OptionsOf } from '../commands/shared';
import { EXIT_OK } from '../exit-codes';
import { graphFileOf } from '../local-session';
import type { Output } from '../output';

export type SchedulesCommandOptions = OptionsOf<typeof schedulesCommand>;

export interface ScheduleListing {
  readonly pipeline: string;
  readonly expression: string;
  readonly timezone: string;
  readonly next: readonly string[];
}

export function listSchedules(graphs: readonly PipelineGraph[], count: number, from: Date): ScheduleListing[] {
  return graphs.flatMap((graph) => {
    const trigger = graph.trigger;
    if (trigger?.schedule === undefined) return [];
    const timezone = trigger.timezone ?? 'UTC';
    const next = parseSchedule(trigger.schedule, timezone)
      .nextRuns(count, from)
      .map((date) => date.toISOString());
    return [{ pipeline: graph.name, expression: trigger.schedule, timezone, next }];
  });
}

export function schedules(pipelineOrFile: string | undefined, options: SchedulesCommandOptions, output: Output): number {
  const count = Number(options.next ?? '5');
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new UsageError(`--next ${options.next}: expected a whole number from 1 to 1000`);
  const from = options.from === undefined ? new Date() : new Date(options.from);
  if (Number.isNaN(from.getTime())) throw new UsageError(`--from ${options.from}: expected an ISO 8601 time, e.g. 2026-12-03T00:00:00Z`);
  const graphs = pipelineOrFile === undefined ? loadCatalogue(projectRootOf(join(process.cwd(), 'x'))).map((p) => p.graph) : [loadPipeline(graphFileOf(pipelineOrFile)).graph];
  const listings = listSchedules(graphs, count, from);
  if (options.json === true) {
    output.out(JSON.stringify(listings, null, 2));
    return EXIT_OK;
  }
  if (listings.length === 0) {
    output.err(pipelineOrFile === undefined ? 'no pipeline has a schedule ("trigger": {"schedule": "cron(0 2 * * ? *)"})' : `${pipelineOrFile} has no schedule`);
    return EXIT_OK;
  }
  for (const { pipeline, expression, timezone, next } of listings) {
    output.out(`${pipeline}  ${expression}  (${timezone})`);
    for (const time of next) output.out(`  ${time}`);
    if (next.length === 0) output.out('  never again');
  }
  return EXIT_OK;
}
