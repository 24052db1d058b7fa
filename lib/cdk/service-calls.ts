/**
 * External pipeline services in AWS: the shared function behind every `service` step, and the grants
 * that let it, the conductor and the runs API answer the steps' task tokens. A wait is two objects
 * under `waits/` in the data bucket (lib/contract/service-call.ts); tokens are answered only for the
 * state machines that have service steps, named from the stack's ARN prefix rather than referenced,
 * since the runs API (whose URL the function needs) is itself granted on those state machines.
 */
import { Stack } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { answerWaitsStatements, serviceCallStatements, servicePipelinesOf } from '../access/service-calls';
import type { StatementSpec } from '../access/statements';
import type { PipelineSource } from '../catalogue';
import { FUNCTION_ENV } from '../contract/environment';
import { SERVICE_CALL_FUNCTION_NAME, sharedLogGroupName } from '../contract/log-groups';
import { WAITS_PREFIX } from '../contract/step-event';
import { SERVICE_CALL_MEMORY_MIB } from '../kinds/service/schema';
import { policyStatementOf } from './data-access';
import { acknowledgeWildcardResources } from './nag';
import { deployedStateMachineArn } from './state-machine-arns';
import { BuiltinFunction } from './step-function';

/** The state machines whose Tasks wait on service callbacks, by name (see the module comment). */
export function serviceStateMachineArns(scope: Construct, pipelines: readonly PipelineSource[]): string[] {
  return servicePipelinesOf(pipelines).map((pipeline) => deployedStateMachineArn(scope, pipeline));
}

/** The wait records are named by random callback ids, so their grants are wildcards under waits/. */
const WAITS_REASON = 'Wait records are named by random callback ids when a service step starts; the wildcard stays under waits/.';

/** Grants `statements` (lib/access/service-calls.ts) to `role`, with cdk-nag's reason for the waits/ wildcard. */
function grantStatements(role: IRole, bucket: IBucket, statements: readonly StatementSpec[]): void {
  for (const statement of statements) role.addToPrincipalPolicy(policyStatementOf(statement));
  acknowledgeWildcardResources(role, [bucket.arnForObjects(`${WAITS_PREFIX}*`)], WAITS_REASON);
}

/**
 * Lets `role` find and answer waits: read and delete the wait records, list the waits of an item, and
 * send task success, failure and heartbeats to the service pipelines' executions.
 */
export function grantAnswerWaits(role: IRole, bucket: IBucket, stateMachineArns: readonly string[]): void {
  if (stateMachineArns.length === 0) return;
  grantStatements(role, bucket, answerWaitsStatements(bucket.bucketArn, stateMachineArns));
}

export interface ServiceCallsProps {
  readonly pipelines: readonly PipelineSource[];
  readonly bucket: IBucket;
  readonly projectRoot: string;
}

export class ServiceCalls extends Construct {
  readonly function: BuiltinFunction;

  constructor(scope: Construct, id: string, props: ServiceCallsProps) {
    super(scope, id);
    const { bucket } = props;
    this.function = new BuiltinFunction(this, 'Function', {
      builtin: 'service-call',
      logGroupName: sharedLogGroupName(Stack.of(this).stackName, SERVICE_CALL_FUNCTION_NAME),
      memoryMiB: SERVICE_CALL_MEMORY_MIB,
      // The service has 30 s to accept the work (functions/service-call); the work itself is awaited by the Task.
      timeoutSeconds: 60,
      environment: { [FUNCTION_ENV.bucket]: bucket.bucketName, POWERTOOLS_SERVICE_NAME: 'service-call' },
    });
    grantStatements(
      this.function.role,
      bucket,
      serviceCallStatements(bucket.bucketArn, props.pipelines, (pipeline) => deployedStateMachineArn(this, pipeline)),
    );
  }

  /** Services call back through the runs API at `<url>callbacks/<id>`. */
  useRunsApi(url: string): void {
    this.function.addEnvironment(FUNCTION_ENV.callbackUrl, `${url}callbacks/`);
  }
}
