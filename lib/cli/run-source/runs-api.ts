/** The run source of a runs API (a local `orchestra up`, any URL, a deployed stack), through the typed client. */
import { RunsApiError } from '../../client/runs-client';
import type { ReuseDecisionAnswer, RunDetail, RunSummary } from '../../contract/run-answers';
import { UsageError } from '../../shared/errors';
import type { RunsApiClient } from '../runs-api-client';
import type { RunFilter, RunSource, SourceLogLine } from './source';

export function runsApiSource(client: RunsApiClient): RunSource {
  return {
    where: client.baseUrl,
    async listRuns(filter: RunFilter): Promise<RunSummary[]> {
      const runs: RunSummary[] = [];
      let nextToken: string | undefined;
      do {
        const query = {
          limit: String(Math.min(100, filter.limit - runs.length)),
          ...(filter.pipeline === undefined ? {} : { pipeline: filter.pipeline }),
          ...(filter.status === undefined ? {} : { status: filter.status }),
          ...(nextToken === undefined ? {} : { nextToken }),
        };
        const { body } = await client.api.listRunsEverywhere({ query });
        runs.push(...body.runs);
        nextToken = body.nextToken;
      } while (nextToken !== undefined && runs.length < filter.limit);
      return runs;
    },
    async readRun(runId: string, pipeline: string | undefined): Promise<RunDetail> {
      if (pipeline === undefined) throw new UsageError('--pipeline <name> is needed with --api or --stack (run ids are unique per pipeline)');
      return (await client.api.inspectRun({ pipeline, runId })).body;
    },
    async readLogs(run: RunDetail): Promise<SourceLogLine[]> {
      const lines: SourceLogLine[] = [];
      let nextToken: string | undefined;
      do {
        const { body } = await client.api.readLogs({ pipeline: run.pipeline, runId: run.runId, query: { limit: '1000', ...(nextToken === undefined ? {} : { nextToken }) } });
        lines.push(...body.lines);
        nextToken = body.nextToken;
      } while (nextToken !== undefined);
      return lines;
    },
    async readReuseDecision(run: RunDetail, step: string): Promise<ReuseDecisionAnswer | undefined> {
      try {
        return (await client.api.explainStep({ pipeline: run.pipeline, runId: run.runId, step })).body;
      } catch (error) {
        if (error instanceof RunsApiError && error.status === 404) return undefined;
        throw error;
      }
    },
  };
}
