/**
 * The runs API: API Gateway (REST, IAM-authorized) in front of functions/runs-api, to start, list,
 * inspect, cancel and redrive runs of every pipeline in the stack. Its routes are those of the route
 * table (lib/contract/runs-api-routes.ts), as the function's router and the OpenAPI document are.
 */
import { Arn, ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat, AuthorizationType, EndpointType, type IResource, LambdaIntegration, LogGroupLogDestination, RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ICluster } from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { reusedStepsOf } from '../access/step-reuse';
import { KEYED_TRIGGERS_SETTING, PIPELINE_DESCRIPTIONS_SETTING } from '../contract/bundled-config';
import { FUNCTION_ENV } from '../contract/environment';
import { executionLogGroupName } from '../contract/log-groups';
import { deployedStateMachineName } from '../contract/resource-names';
import { pathParametersOf, type RouteSpec, routeEntries } from '../contract/runs-api-routes';
import { COSTS_PREFIX, pipelineRunsPrefixFor } from '../contract/step-event';
import { REUSE_PREFIX } from '../contract/step-reuse';
import { hasServiceSteps } from '../kinds/service/spec';
import { apiGatewayModelOf } from './api-model';
import { grantDataAccess } from './data-access';
import type { KeyedConductor } from './keyed-conductor';
import { acknowledge, acknowledgeWildcardResources } from './nag';
import { containerInsightsEnvironment, usageLogGroupArns } from './parts/usage-log-groups';
import { deployedDescriptionOf, type Pipeline } from './pipeline';
import { grantAnswerWaits, serviceStateMachineArns } from './service-calls';
import { deployedStateMachineArn, stateMachineArnPrefix } from './state-machine-arns';
import { BuiltinFunction } from './step-function';

/** The pipelines the runs API serves, their bucket, and the keyed conductor when there is one. */
export interface RunsApiProps {
  readonly pipelines: readonly Pipeline[];
  /** The data bucket: dry runs list what a dataset run would read. */
  readonly bucket: IBucket;
  /** Project root: where package-lock.json is. */
  readonly projectRoot: string;
  /** The keyed triggers' conductor, when the stack has one: `GET /keys/{key}` reads its ledger, read-only. */
  readonly keyedConductor?: KeyedConductor;
  /** The cluster container steps run in (with Container Insights): their CPU and memory are read from its performance log group. */
  readonly containerCluster?: ICluster;
}

/** The runs API on API Gateway (IAM-signed requests): start, follow, cancel and redrive runs; read their logs and outputs. */
export class RunsApi extends Construct {
  readonly api: RestApi;
  readonly handler: BuiltinFunction;

  constructor(scope: Construct, id: string, props: RunsApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.handler = new BuiltinFunction(this, 'Function', {
      builtin: 'runs-api',
      memoryMiB: 256,
      timeoutSeconds: 29, // API Gateway's integration limit
      config: {
        [PIPELINE_DESCRIPTIONS_SETTING]: JSON.stringify(Object.fromEntries(props.pipelines.map((p) => [p.source.graph.name, deployedDescriptionOf(p)]))),
        ...(props.keyedConductor === undefined ? {} : { [KEYED_TRIGGERS_SETTING]: JSON.stringify(props.keyedConductor.triggers) }),
      },
      environment: {
        [FUNCTION_ENV.bucket]: props.bucket.bucketName,
        POWERTOOLS_SERVICE_NAME: 'orchestra-runs-api',
        // The pipelines' names travel with their bundled descriptions; their state machines follow from one prefix.
        [FUNCTION_ENV.stateMachineArnPrefix]: stateMachineArnPrefix(stack),
        [FUNCTION_ENV.stackName]: stack.stackName,
        ...(props.keyedConductor === undefined ? {} : { KEY_TABLE: props.keyedConductor.table.tableName }),
        ...containerInsightsEnvironment(props.containerCluster),
      },
    });
    this.grantRunsAccess(props);

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new RestApi(this, 'Api', {
      restApiName: `${stack.stackName}-runs`,
      description: 'Orchestra runs: start, list, inspect, cancel and redrive pipeline runs',
      endpointTypes: [EndpointType.REGIONAL],
      // Access logs need API Gateway's account-level CloudWatch role: without it the stage is refused
      // ("CloudWatch Logs role ARN must be set in account settings") in any account that never set one.
      // The role only lets API Gateway write logs; it is kept when the stack goes, since other APIs of the
      // account may log through it by then.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        metricsEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
    });
    this.addRoutes(new LambdaIntegration(this.handler), {
      'keyed-pipelines': props.keyedConductor !== undefined,
      'service-steps': props.pipelines.some((p) => hasServiceSteps(p.source.graph)),
    });
    acknowledge(
      this.api,
      'AwsSolutions-IAM4',
      "API Gateway's account-level logging role takes the policy AWS documents for it (AmazonAPIGatewayPushToCloudWatchLogs).",
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    );
    acknowledge(this.api, 'AwsSolutions-APIG3', "IAM-authorized API for a team's own principals; attach a WAF web ACL when exposing it more widely (it has a monthly cost).");
    acknowledge(
      this.api,
      'AwsSolutions-APIG6',
      "Execution logging needs the account-wide API Gateway CloudWatch role, which one stack should not change for every API in the account; access logs and the function's own logs record each request.",
    );
    acknowledge(this.api, 'AwsSolutions-COG4', 'Authorized with IAM (SigV4): callers are IAM principals (CLI, SDKs, other AWS services), not Cognito users.');
  }

  /**
   * What the function may do: start, follow, cancel and redrive the stack's runs, read their logs, list
   * and presign their outputs, answer service steps' waits, and read the keyed ledger.
   */
  private grantRunsAccess(props: RunsApiProps): void {
    const stack = Stack.of(this);
    if (props.keyedConductor !== undefined) {
      this.handler.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [props.keyedConductor.table.tableArn] }));
      props.keyedConductor.grantPlanBackfills(this.handler);
    }
    // Dry runs list the dataset folders a run would read (the ingest prefixes); a run's outputs are
    // listed, previewed and presigned under its pipeline's runs/ prefix (a presigned URL carries the
    // signer's rights, so the role must read what it signs).
    const ingestPrefixes = props.pipelines.flatMap((p) => p.source.graph.trigger?.ingestPrefix ?? []);
    // Why a step was reused or computed: the step-reuse function's decisions under reuse/<pipeline>/.
    const reusing = props.pipelines.filter((p) => reusedStepsOf(p.source.graph).length > 0).map((p) => `${REUSE_PREFIX}${p.source.graph.name}/`);
    // Each finished run's cost, recorded under costs/<pipeline>/ the first time a list shows it.
    const costs = props.pipelines.map((p) => `${COSTS_PREFIX}${p.source.graph.name}/`);
    grantDataAccess(props.bucket, this.handler.role, {
      list: ingestPrefixes,
      read: [...props.pipelines.map((p) => pipelineRunsPrefixFor(p.source.graph.name)), ...reusing, ...costs],
      write: costs.map((prefix) => `${prefix}*`),
    });
    // Named, not referenced: service steps' function needs this API's URL, so a reference to the state machines would close a cycle.
    const machines = props.pipelines.map((p) => deployedStateMachineArn(this, p.source.graph.name));
    const executions = props.pipelines.map((p) =>
      Arn.format(
        { service: 'states', resource: 'execution', resourceName: `${deployedStateMachineName(stack.stackName, p.source.graph.name)}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME },
        stack,
      ),
    );
    grantAnswerWaits(
      this.handler.role,
      props.bucket,
      serviceStateMachineArns(
        this,
        props.pipelines.map((p) => p.source),
      ),
    );
    if (machines.length > 0) {
      this.handler.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution', 'states:ListExecutions'], resources: machines }));
      this.handler.addToRolePolicy(
        new PolicyStatement({ actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution', 'states:RedriveExecution'], resources: executions }),
      );
      acknowledgeWildcardResources(this.handler.role, executions, "Run ids are chosen when a run starts; the wildcard covers only the runs of this stack's state machines.");
      // A run's lines and what its steps used: its steps' log groups (named under /orchestra/<stack>/), the
      // cluster's Container Insights samples, and the state machines' execution logs.
      const logGroups = [
        ...usageLogGroupArns(stack, props.containerCluster),
        ...props.pipelines.map((p) =>
          Arn.format(
            { service: 'logs', resource: 'log-group', resourceName: `${executionLogGroupName(stack.stackName, p.source.graph.name)}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME },
            stack,
          ),
        ),
      ];
      this.handler.addToRolePolicy(new PolicyStatement({ actions: ['logs:FilterLogEvents'], resources: logGroups }));
      acknowledgeWildcardResources(this.handler.role, logGroups, "Reads the log lines of this stack's steps and executions; streams are created at run time.");
    }
  }

  /**
   * The API Gateway resources and methods of the runs API's route table (lib/contract/runs-api-routes.ts):
   * each route's path and query parameters and headers declared, its body checked against the table's
   * schema where the table says so, and a route deployed only when the stack has what it serves.
   */
  private addRoutes(integration: LambdaIntegration, present: Readonly<Record<NonNullable<RouteSpec['deployedWhen']>, boolean>>): void {
    const validator = this.api.addRequestValidator('Validator', { validateRequestParameters: true, validateRequestBody: true });
    const resources = new Map<string, IResource>([['', this.api.root]]);
    const resourceAt = (path: string): IResource => {
      const known = resources.get(path);
      if (known !== undefined) return known;
      const parent = resourceAt(path.slice(0, path.lastIndexOf('/')));
      const resource = parent.addResource(path.slice(path.lastIndexOf('/') + 1));
      resources.set(path, resource);
      return resource;
    };
    for (const [operation, route] of routeEntries()) {
      if (route.deployedWhen !== undefined && !present[route.deployedWhen]) continue;
      const body = route.body?.checkedByGateway === true ? route.body : undefined;
      const model = body === undefined ? undefined : this.api.addModel(body.name, { contentType: 'application/json', schema: apiGatewayModelOf(body.schema) });
      const method = resourceAt(route.path).addMethod(route.method, integration, {
        operationName: operation,
        requestValidator: validator,
        requestParameters: Object.fromEntries([
          ...pathParametersOf(route.path).map((name) => [`method.request.path.${name}`, true]),
          ...(route.query ?? []).map((parameter) => [`method.request.querystring.${parameter.name}`, false]),
          ...(route.headers ?? []).map((parameter) => [`method.request.header.${parameter.name}`, false]),
        ]),
        ...(model === undefined ? {} : { requestModels: { 'application/json': model } }),
        ...(route.auth === 'capability' ? { authorizationType: AuthorizationType.NONE } : {}),
      });
      if (route.auth === 'capability') {
        // External services are not IAM principals: the callback id (32 random bytes, sent only to the service) is the credential.
        const reason =
          'External pipeline services answer their service step here without AWS credentials: the unguessable callback id in the path, sent only to that service and void once answered, is the credential.';
        acknowledge(method, 'AwsSolutions-APIG4', reason);
        acknowledge(method, 'AwsSolutions-COG4', reason);
      }
    }
  }

  get url(): string {
    return this.api.url;
  }
}
