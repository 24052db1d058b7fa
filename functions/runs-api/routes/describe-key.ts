/** `GET /keys/{key}`: what the keyed triggers recorded for a key, per pipeline. */
import { readExecutionHistory } from '../../../lib/runtime/execution-history';
import { runCostFrom } from '../../../lib/runtime/run-cost';
import { fail } from '../context';
import { keyReport } from '../keys';
import type { RouteHandler } from '../router';

export const describeKey: RouteHandler<'describeKey'> = async (event, api) => {
  const key = event.pathParameters?.['key'] ?? '';
  const { keyed, pipelines } = api.dependencies;
  const costOf = async (pipeline: string, executionArn: string) => {
    const described = api.describedOf(pipeline);
    return described === undefined ? undefined : runCostFrom(await readExecutionHistory(api.sfn, executionArn), described).totalUsd;
  };
  const report = keyed === undefined ? undefined : await keyReport(key, keyed, api.sfn, pipelines, costOf);
  return report !== undefined
    ? { status: 200, body: report }
    : fail(404, `no data item with key "${key}" reached a keyed pipeline${keyed === undefined || keyed.triggers.length === 0 ? ' (no pipeline has a keyed trigger)' : ''}`, 'key');
};
