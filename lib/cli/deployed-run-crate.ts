/**
 * A deployed run that ended without a crate (it ended before the stack had the run-provenance
 * function, or its event was lost): the stack's own run-provenance function is asked to write it,
 * with the event EventBridge would have sent — the deployed code and its role, not the caller's.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { OrchestraError } from '../shared/errors';
import { isJsonRecord } from '../shared/json';

export interface DeployedCrateClients {
  readonly sfn: SFNClient;
  readonly lambda: LambdaClient;
}

/** EventBridge's "Step Functions Execution Status Change" for an execution, from DescribeExecution. */
async function statusChangeOf(sfn: SFNClient, executionArn: string) {
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return {
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: {
      executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate?.getTime(),
      ...(execution.stopDate === undefined ? {} : { stopDate: execution.stopDate.getTime() }),
      input: execution.input ?? '{}',
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    },
  };
}

/** Has the function write the crate of `executionArn`; says why when it did not. */
export async function writeDeployedRunCrate(clients: DeployedCrateClients, functionName: string, executionArn: string): Promise<void> {
  const event = await statusChangeOf(clients.sfn, executionArn);
  const answer = await clients.lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(event) }));
  const text = answer.Payload === undefined ? '' : new TextDecoder().decode(answer.Payload);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = text;
  }
  if (answer.FunctionError !== undefined) {
    const message = isJsonRecord(payload) && typeof payload['errorMessage'] === 'string' ? payload['errorMessage'] : text;
    throw new OrchestraError('crate-not-written', `the stack's run-provenance function (${functionName}) could not write the crate: ${message} — its log group says more`);
  }
  if (isJsonRecord(payload) && typeof payload['skipped'] === 'string') throw new OrchestraError('crate-not-written', `no crate written: ${payload['skipped']}`);
}
