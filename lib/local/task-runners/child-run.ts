/**
 * `states:startExecution.sync:2` on the embedded runtime: the child run starts through the local
 * Step Functions endpoint and is awaited as Step Functions awaits it (it polls DescribeExecution
 * too, besides EventBridge), with the same answer: the child's DescribeExecution, its Input and
 * Output parsed (the ":2" of the integration), or States.TaskFailed with that answer as the cause.
 * Stopping the parent's attempt stops the child, as it does in AWS.
 */
import { DescribeExecutionCommand, type DescribeExecutionOutput, ExecutionStatus, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { Json } from '../../compiler/asl';
import type { Environment } from '../../contract/environment';
import { ChildRunFailedError, PermanentStepError } from '../../contract/errors';
import { sfnClientFor } from '../../runtime/sfn-client';
import { isJsonRecord } from '../../shared/json';

/** How often the child's status is read: runs take seconds, and a read costs a database lookup. */
const POLL_MS = 200;

/** The child execution as `startExecution.sync:2` returns it (dates as epoch milliseconds, as in the Task result on AWS). */
function syncResultOf(described: DescribeExecutionOutput): Record<string, Json> {
  const parsed = (text: string | undefined): Json => (text === undefined ? null : JSON.parse(text));
  const result: Record<string, Json> = {
    ExecutionArn: described.executionArn ?? '',
    StateMachineArn: described.stateMachineArn ?? '',
    Name: described.name ?? '',
    Status: described.status ?? '',
    StartDate: described.startDate?.getTime() ?? 0,
    Input: parsed(described.input),
    Output: parsed(described.output),
  };
  if (described.stopDate !== undefined) result['StopDate'] = described.stopDate.getTime();
  if (described.error !== undefined) result['Error'] = described.error;
  if (described.cause !== undefined) result['Cause'] = described.cause;
  return result;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Starts the child run the Task's Parameters describe and waits until it ends. */
export async function runChildPipeline(parameters: Json, environment: Environment, signal: AbortSignal): Promise<Json> {
  if (!isJsonRecord(parameters) || typeof parameters['StateMachineArn'] !== 'string')
    throw new PermanentStepError('the Task has no "StateMachineArn" — was the definition compiled by this version of Orchestra?');
  const sfn = sfnClientFor(environment);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: parameters['StateMachineArn'],
      input: JSON.stringify(parameters['Input'] ?? {}),
      ...(typeof parameters['Name'] === 'string' ? { name: parameters['Name'] } : {}),
    }),
  );
  const stop = () => void sfn.send(new StopExecutionCommand({ executionArn, error: 'Orchestra.Aborted', cause: 'the parent step was stopped' })).catch(() => undefined);
  // Stopped while the child was being started: the listener would never fire.
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status !== ExecutionStatus.RUNNING && described.status !== ExecutionStatus.PENDING_REDRIVE) {
        const result = syncResultOf(described);
        if (described.status === ExecutionStatus.SUCCEEDED) return result;
        throw new ChildRunFailedError(result);
      }
      if (signal.aborted) return null;
      await sleep(POLL_MS, signal);
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
