/**
 * The built-in function that writes a run's provenance when it ends on AWS: EventBridge's "Step
 * Functions Execution Status Change" of the stack's state machines (lib/cdk/parts/run-provenance.ts)
 * → the run's Workflow Run RO-Crate beside its outputs (lib/runtime/provenance). The local runtime
 * writes the same crate with the same code at each run's end.
 */
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { bundledSetting, PIPELINE_DESCRIPTIONS_SETTING, parsePipelineDescriptions } from '../../lib/contract/bundled-config';
import { currentEnvironment, FUNCTION_ENV, requiredVariable } from '../../lib/contract/environment';
import { ConfigurationError, PermanentStepError } from '../../lib/contract/errors';
import { deployedStateMachineName } from '../../lib/contract/resource-names';
import { readExecutionHistory } from '../../lib/runtime/execution-history';
import { writeRunCrate } from '../../lib/runtime/provenance/write-crate';
import { s3ClientFor } from '../../lib/runtime/s3-client';
import { sfnClientFor } from '../../lib/runtime/sfn-client';
import { isJsonRecord, parseJsonObject } from '../../lib/shared/json';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** The event's fields this function reads, checked by hand: zod would add ~450 KB to the bundle. */
function endedRunOf(event: unknown) {
  const detail = isJsonRecord(event) ? event['detail'] : undefined;
  if (!isJsonRecord(detail)) throw new PermanentStepError('not a Step Functions Execution Status Change event (no "detail")');
  const { executionArn, stateMachineArn, name, status, startDate, stopDate, input, error, cause } = detail;
  if (typeof executionArn !== 'string' || typeof stateMachineArn !== 'string' || typeof name !== 'string' || typeof status !== 'string' || typeof startDate !== 'number')
    throw new PermanentStepError('not a Step Functions Execution Status Change event (executionArn, stateMachineArn, name, status, startDate)');
  return {
    executionArn,
    stateMachineArn,
    runId: name,
    status,
    startedAt: new Date(startDate).toISOString(),
    ...(typeof stopDate === 'number' ? { stoppedAt: new Date(stopDate).toISOString() } : {}),
    input: typeof input === 'string' ? parseJsonObject(input, `the input of ${executionArn}`) : {},
    ...(typeof error === 'string' ? { error: { error, ...(typeof cause === 'string' ? { cause } : {}) } } : {}),
  };
}

const version = process.env['ORCHESTRA_VERSION'] ?? '0.0.0';

export const handler = async (event: unknown): Promise<{ readonly crate: string } | { readonly skipped: string }> => {
  const run = endedRunOf(event);
  if (!TERMINAL.has(run.status)) return { skipped: `run ${run.runId} is ${run.status}` };
  const env = currentEnvironment();
  const parsed = parsePipelineDescriptions(bundledSetting(PIPELINE_DESCRIPTIONS_SETTING) ?? '{}');
  if ('problem' in parsed) throw new ConfigurationError(parsed.problem);
  const stackName = requiredVariable(FUNCTION_ENV.stackName, 'the stack', env);
  const machine = run.stateMachineArn.slice(run.stateMachineArn.lastIndexOf(':') + 1);
  // A deployed machine is named after its stack and pipeline; a local one after its pipeline.
  const pipeline = Object.keys(parsed.descriptions).find((name) => deployedStateMachineName(stackName, name) === machine || name === machine);
  const description = pipeline === undefined ? undefined : parsed.descriptions[pipeline];
  if (pipeline === undefined || description === undefined) return { skipped: `${run.stateMachineArn} is not a pipeline of stack ${stackName}` };
  const sfn = sfnClientFor(env);
  const { definition } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: run.stateMachineArn }));
  const crate = await writeRunCrate({
    s3: s3ClientFor(env),
    bucket: requiredVariable(FUNCTION_ENV.bucket, 'the stack', env),
    history: await readExecutionHistory(sfn, run.executionArn),
    run: { ...run, pipeline },
    description,
    definition: definition ?? '{}',
    engine: { name: 'Orchestra', version, target: 'aws' },
  });
  return { crate };
};
