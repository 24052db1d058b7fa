/**
 * The built-in function that writes a run's provenance when it ends on AWS: EventBridge's "Step
 * Functions Execution Status Change" of the stack's state machines (lib/cdk/parts/run-provenance.ts)
 * → the run's Workflow Run RO-Crate beside its outputs (lib/runtime/provenance), with what each step
 * used as far as CloudWatch Logs has it by then (Lambda's REPORT lines; Container Insights' samples
 * come a minute or more later, so a container attempt's figures are often its duration alone). The
 * local runtime writes the same crate with the same code at each run's end.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeStateMachineCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { bundledSetting, PIPELINE_DESCRIPTIONS_SETTING, parsePipelineDescriptions } from '../../lib/contract/bundled-config';
import { currentEnvironment, FUNCTION_ENV, requiredVariable } from '../../lib/contract/environment';
import { ConfigurationError, PermanentStepError } from '../../lib/contract/errors';
import type { PipelineDescription } from '../../lib/contract/pipeline-description';
import { deployedStateMachineName } from '../../lib/contract/resource-names';
import { cloudWatchRunUsage } from '../../lib/runtime/cloudwatch-usage';
import { readExecutionHistory } from '../../lib/runtime/execution-history';
import { writeRunCrate } from '../../lib/runtime/provenance/write-crate';
import type { RunUsage, UsageByStep } from '../../lib/runtime/run-usage';
import { s3ClientFor } from '../../lib/runtime/s3-client';
import { sfnClientFor } from '../../lib/runtime/sfn-client';
import { stepAttemptsFrom } from '../../lib/runtime/step-attempts';
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

/** Lambda writes a REPORT line as an invocation ends; CloudWatch may take seconds to have it. */
const REPORT_WAIT_MS = 5_000;

export interface RunProvenanceOptions {
  /** Where what each step used is read (the stack's: CloudWatch Logs); without it the crate has no figures. */
  readonly usageOf?: (descriptions: Readonly<Record<string, PipelineDescription>>) => RunUsage;
  /** How long to wait before reading once more when a Lambda step's REPORT line is missing. @default 5 s */
  readonly reportWaitMs?: number;
}

/** Whether every attempt of every Lambda step has its REPORT line. */
function lambdaReportsComplete(usage: UsageByStep, attempts: ReturnType<typeof stepAttemptsFrom>, description: PipelineDescription): boolean {
  return Object.entries(description.steps).every(([id, step]) => {
    if (step.pricing?.runsOn !== 'lambda') return true;
    const ran = (attempts[id]?.length ?? 0) + (step.itemState === undefined ? 0 : (attempts[step.itemState]?.length ?? 0));
    return (usage[id]?.length ?? 0) >= ran;
  });
}

/**
 * What each step used, read once more after a short wait when a Lambda step's REPORT line is not there
 * yet. A reading that fails (throttled, not granted) leaves the crate without figures, never unwritten.
 */
async function usageAtEnd(
  usage: RunUsage,
  run: { pipeline: string; runId: string; startedAt: string; stoppedAt?: string },
  history: readonly HistoryEvent[],
  description: PipelineDescription,
  waitMs: number,
) {
  const during = { start: new Date(run.startedAt), ...(run.stoppedAt === undefined ? {} : { stop: new Date(run.stoppedAt) }) };
  const attempts = stepAttemptsFrom(history);
  try {
    const first = await usage.read(run.pipeline, run.runId, history, during);
    if (lambdaReportsComplete(first, attempts, description)) return { usage: first, read: 'complete' };
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const again = await usage.read(run.pipeline, run.runId, history, during);
    return { usage: again, read: lambdaReportsComplete(again, attempts, description) ? 'complete' : 'partial: some REPORT lines had not reached CloudWatch' };
  } catch (error) {
    return { usage: {}, read: `unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

type Answer = { readonly crate: string; readonly usage: string } | { readonly skipped: string };

export function createRunProvenanceHandler({ usageOf, reportWaitMs = REPORT_WAIT_MS }: RunProvenanceOptions = {}): (event: unknown) => Promise<Answer> {
  return async (event) => {
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
    const history = await readExecutionHistory(sfn, run.executionArn);
    const measured =
      usageOf === undefined
        ? { usage: {}, read: 'not read: the stack gives this function no usage source' }
        : await usageAtEnd(usageOf(parsed.descriptions), { ...run, pipeline }, history, description, reportWaitMs);
    const crate = await writeRunCrate({
      s3: s3ClientFor(env),
      bucket: requiredVariable(FUNCTION_ENV.bucket, 'the stack', env),
      history,
      run: { ...run, pipeline },
      description,
      definition: definition ?? '{}',
      engine: { name: 'Orchestra', version, target: 'aws' },
      usage: measured.usage,
    });
    return { crate, usage: measured.read };
  };
}

/** One client for the function's life: its connections are kept between invocations. */
const logs = process.env[FUNCTION_ENV.usageSource] === 'cloudwatch' ? new CloudWatchLogsClient({}) : undefined;

export const handler = createRunProvenanceHandler(
  logs === undefined ? {} : { usageOf: (descriptions) => cloudWatchRunUsage(logs, descriptions, process.env[FUNCTION_ENV.containerInsightsLogGroup]) },
);
