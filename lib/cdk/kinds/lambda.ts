import { join } from 'node:path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { FUNCTION_ENV, tableEnvName } from '../../contract/environment';
import { stepLogGroupName } from '../../contract/log-groups';
import { lambdaFunctionPlaceholder } from '../../contract/placeholders';
import { resourceNameOf } from '../../contract/resource-names';
import { resolveStep } from '../../graph/resolve-step';
import type { LambdaStep } from '../../graph/schema';
import { LAMBDA_MAX_TIMEOUT_SECONDS } from '../../kinds/lambda/schema';
import { grantDataAccess } from '../data-access';
import { StepFunction } from '../step-function';
import type { CdkKind } from '../step-resources';

/** A table of the pipeline, made once whichever of its steps names it first. */
function pipelineTable(scope: Construct, name: string): Table {
  const id = `Table${resourceNameOf(name)}`;
  const existing = scope.node.tryFindChild(id);
  if (existing instanceof Table) return existing;
  return new Table(scope, id, {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Catalogue rows are the pipeline's product: deleting the stack must not delete them.
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** One NodejsFunction per step, with its own role and log group. */
const resources: CdkKind<LambdaStep>['resources'] = ({ scope, graph, stepId, step, rootDir, bucket, access }) => {
  const logGroupName = stepLogGroupName(Stack.of(scope).stackName, graph.name, stepId);
  const resolved = resolveStep(graph, step);
  const fn = new StepFunction(scope, `${resourceNameOf(stepId)}Function`, {
    logGroupName,
    entry: join(rootDir, step.handler),
    projectRoot: rootDir,
    ...(step.files === undefined ? {} : { files: step.files }),
    ...(resolved.memoryMiB === undefined ? {} : { memoryMiB: resolved.memoryMiB }),
    // The function's own timeout is the one its Task waits (the graph's default included): it was 300 s beside a 120 s Task.
    timeoutSeconds: Math.min(resolved.timeoutSeconds, LAMBDA_MAX_TIMEOUT_SECONDS),
    environment: { [FUNCTION_ENV.bucket]: bucket.bucketName, POWERTOOLS_SERVICE_NAME: graph.name },
  });
  grantDataAccess(bucket, fn.role, access);
  for (const name of step.tables ?? []) {
    const table = pipelineTable(scope, name);
    fn.addEnvironment(tableEnvName(name), table.tableName);
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], resources: [table.tableArn] }));
  }
  return { substitutions: { [lambdaFunctionPlaceholder(stepId)]: fn.functionArn }, invokes: fn, function: fn, logGroup: fn.logGroup, logGroupName };
};

export const lambdaCdk: CdkKind<LambdaStep> = { resources, functionEntry: (step, rootDir) => join(rootDir, step.handler) };
