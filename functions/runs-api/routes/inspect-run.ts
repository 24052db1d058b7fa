/** `GET /pipelines/{pipeline}/runs/{runId}`: the run with every step's outcome. */
import { everyStepOutcome, readExecutionHistory, stepOutcomesFrom } from '../../../lib/runtime/execution-history';
import { withReuseOutcomes } from '../../../lib/runtime/reuse-outcomes';
import { runCostFrom } from '../../../lib/runtime/run-cost';
import { withUsage } from '../../../lib/runtime/run-usage';
import type { RouteHandler } from '../router';

export const inspectRun: RouteHandler<'inspectRun'> = async (event, api) => {
  const { pipeline, runId, executionArn } = api.runOf(event);
  const execution = await api.describeRun(pipeline, runId, executionArn);
  const history = await readExecutionHistory(api.sfn, executionArn);
  const described = api.describedOf(pipeline);
  const stepIds = Object.keys(described?.steps ?? {});
  const during = execution.startDate === undefined ? undefined : { start: execution.startDate, stop: execution.stopDate };
  const usage = (await api.dependencies.usage?.read(pipeline, runId, history, during)) ?? {};
  const steps = withUsage(everyStepOutcome(withReuseOutcomes(stepOutcomesFrom(history), history, described), stepIds, execution.status !== 'RUNNING'), usage);
  const redrivenAt = history.flatMap((e) => (e.type === 'ExecutionRedriven' && e.timestamp !== undefined ? [e.timestamp.toISOString()] : []));
  return {
    status: 200,
    body: {
      pipeline,
      runId,
      executionArn,
      status: execution.status ?? 'RUNNING',
      startedAt: (execution.startDate ?? new Date(0)).toISOString(),
      ...(execution.stopDate === undefined ? {} : { stoppedAt: execution.stopDate.toISOString() }),
      input: JSON.parse(execution.input ?? '{}'),
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
      redrivenAt,
      steps,
      ...(described === undefined ? {} : { cost: runCostFrom(history, described, usage) }),
    },
  };
};
