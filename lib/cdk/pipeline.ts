/**
 * One pipeline on AWS: its state machine from the committed ASL (DefinitionBody.fromString with
 * definitionSubstitutions: the bytes the local runtime runs), a Lambda per light step, a Fargate task
 * definition per heavy step, the upload trigger and the schedule. Raw ASL gets no automatic IAM, so
 * every permission the definition needs is granted here, scoped to its resources.
 */
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import type { FargateTaskDefinition, ICluster } from 'aws-cdk-lib/aws-ecs';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ILogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { DataItemAccess } from '../access/data-items';
import { type IntegrationArns, taskCallStatements } from '../access/integrations';
import { pipelineInputPrefixes, stateMachineDataAccess, stepRoleAccess } from '../access/roles';
import { multipartStatement } from '../access/statements';
import { reusedStepsOf } from '../access/step-reuse';
import { describePipeline, type PipelineSource } from '../catalogue';
import { executionLogGroupName } from '../contract/log-groups';
import type { PipelineDescription } from '../contract/pipeline-description';
import { codeIdentityPlaceholder, PLACEHOLDERS, substitutionsFor } from '../contract/placeholders';
import { deployedStateMachineName } from '../contract/resource-names';
import { ingestTriggerOf } from '../runtime/ingest';
import { defined } from '../shared/defined';
import { InvariantError } from '../shared/errors';
import { deployedCodeIdentity } from './code-identity';
import { grantDataAccess, policyStatementOf } from './data-access';
import { stepResources } from './kinds/registry';
import { acknowledge, acknowledgeWildcardResources, XRAY_REASON } from './nag';
import { deployedStateMachineArn } from './state-machine-arns';
import { BuiltinFunction, type OrchestraFunction } from './step-function';

/** What Orchestra's deployed functions say of a pipeline (the runs API, run provenance): its graph's description and where its logs are. */
export function deployedDescriptionOf(pipeline: Pipeline, stackName: string = Stack.of(pipeline).stackName): PipelineDescription {
  const described = describePipeline(pipeline.source.graph, pipeline.inputPrefixes);
  const { layout } = pipeline.source;
  return {
    ...described,
    ...(layout === undefined ? {} : { layout }),
    executionLogGroup: executionLogGroupName(stackName, described.name),
    steps: Object.fromEntries(
      Object.entries(described.steps).map(([id, step]) => {
        const logGroup = pipeline.stepLogGroupNames[id];
        const codeIdentity = pipeline.codeIdentities[id];
        return [id, { ...step, ...(logGroup === undefined ? {} : { logGroup }), ...(codeIdentity === undefined ? {} : { codeIdentity }) }];
      }),
    ),
  };
}

/** What the states around reused steps need (lib/compiler/reuse.ts): the step-reuse function and each reused step's code identity. */
function reuseSubstitutions(source: PipelineSource, stepReuse: IFunction | undefined, codeIdentities: Readonly<Record<string, string>>): Record<string, string> {
  const { graph } = source;
  const reused = reusedStepsOf(graph);
  if (reused.length === 0) return {};
  if (stepReuse === undefined) throw new InvariantError(`pipeline ${graph.name} reuses steps: pass stepReuseFunction`);
  const values: Record<string, string> = { [PLACEHOLDERS.stepReuseFunction]: stepReuse.functionArn };
  for (const stepId of reused) values[codeIdentityPlaceholder(stepId)] = defined(codeIdentities[stepId], `the code identity of step ${stepId}`);
  return values;
}

/** One pipeline's place in a stack: its source, the data bucket, and the network of its container steps. */
export interface PipelineProps {
  readonly source: PipelineSource;
  readonly bucket: IBucket;
  /** The shared function behind `simulate` steps. */
  readonly simulateFunction: IFunction;
  /** The shared function behind `service` steps, when the stack has any. */
  readonly serviceCallFunction?: IFunction;
  /** Orchestra's step-reuse function, when a pipeline of the stack reuses steps. */
  readonly stepReuseFunction?: IFunction;
  /** Needed when the pipeline has container steps. */
  readonly cluster?: ICluster;
  readonly vpc?: IVpc;
  readonly securityGroup?: ISecurityGroup;
  /**
   * Key prefixes (ending in "/") whose objects steps may read as run inputs, besides their own runs.
   * @default - the trigger's ingest prefix, else `ingest/<pipeline>/`
   */
  readonly inputPrefixes?: readonly string[];
  /** Where upload events and scheduled starts go when they cannot be delivered, so none is lost silently. */
  readonly deadLetterQueue?: IQueue;
  /** Data items its steps may read (its keyed inputs, its parents') and write (the products it makes for pipelines that run it). */
  readonly dataItems?: DataItemAccess;
}

/** One pipeline: its state machine (the committed ASL), its functions and task definitions, its log group and triggers. */
export class Pipeline extends Construct {
  readonly source: PipelineSource;
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  /** Each step's log group name, known at synth: where the runs API reads a run's lines. */
  readonly stepLogGroupNames: Record<string, string> = {};
  readonly functions: Record<string, OrchestraFunction> = {};
  readonly taskDefinitions: Record<string, FargateTaskDefinition> = {};
  /** Exactly what CloudFormation substitutes into the definition. */
  readonly substitutions: Record<string, string>;
  /** Key prefixes steps may read run inputs from. */
  readonly inputPrefixes: readonly string[];
  /** What code each step runs, by step id (./code-identity.ts): for reuse checks and run crates. */
  readonly codeIdentities: Readonly<Record<string, string>>;
  /** Each Lambda and container step's CloudWatch log group, by step id. */
  readonly stepLogGroups: Record<string, ILogGroup> = {};
  readonly triggerFunction?: BuiltinFunction;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { source, bucket } = props;
    this.source = source;
    const { graph } = source;
    this.inputPrefixes = props.inputPrefixes === undefined ? pipelineInputPrefixes(graph, props.dataItems) : [...props.inputPrefixes, ...(props.dataItems?.reads ?? [])];
    const network =
      props.cluster !== undefined && props.vpc !== undefined && props.securityGroup !== undefined
        ? { cluster: props.cluster, vpc: props.vpc, securityGroup: props.securityGroup }
        : undefined;
    const values: Record<string, string> = { [PLACEHOLDERS.dataBucket]: bucket.bucketName };
    const invoked = new Map<string, IFunction>();
    const statements: PolicyStatement[] = [];
    const wildcardReasons: Record<string, string> = {};
    for (const [stepId, step] of Object.entries(graph.steps)) {
      const resources = stepResources({
        scope: this,
        graph,
        stepId,
        step,
        rootDir: source.rootDir,
        bucket,
        // Each step reads the pipeline's inputs and runs, writes only its own folder of each run, and what its `access` adds.
        access: stepRoleAccess(graph, stepId, step, this.inputPrefixes, props.dataItems),
        simulateFunction: props.simulateFunction,
        serviceCallFunction: props.serviceCallFunction,
        network,
      });
      Object.assign(values, resources.substitutions);
      if (resources.invokes !== undefined) invoked.set(stepId, resources.invokes);
      if (resources.function !== undefined) this.functions[stepId] = resources.function;
      if (resources.taskDefinition !== undefined) this.taskDefinitions[stepId] = resources.taskDefinition;
      if (resources.logGroup !== undefined) this.stepLogGroups[stepId] = resources.logGroup;
      if (resources.logGroupName !== undefined) this.stepLogGroupNames[stepId] = resources.logGroupName;
      statements.push(...(resources.policies ?? []));
      Object.assign(wildcardReasons, resources.wildcardReasons);
    }
    // Once per step (a Lambda's is its bundle): reused steps' checks and every run's crate name them.
    this.codeIdentities = Object.fromEntries(
      Object.entries(graph.steps).map(([stepId, step]) => [stepId, deployedCodeIdentity(step, source.rootDir, this.taskDefinitions[stepId])]),
    );
    Object.assign(values, reuseSubstitutions(source, props.stepReuseFunction, this.codeIdentities));
    this.substitutions = substitutionsFor(source.definitionText, values);

    this.logGroup = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: executionLogGroupName(Stack.of(this).stackName, graph.name),
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: deployedStateMachineName(Stack.of(this).stackName, graph.name),
      definitionBody: DefinitionBody.fromString(source.definitionText),
      definitionSubstitutions: this.substitutions,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    acknowledge(
      this.stateMachine.role,
      'AwsSolutions-IAM5',
      `${XRAY_REASON} Logging to CloudWatch uses the log-delivery actions (logs:CreateLogDelivery and others), which also take only Resource "*".`,
      'Resource::*',
    );
    // What each Task calls (lib/access/integrations.ts, which the local runtime enforces): the definition
    // invokes unqualified function ARNs, so no version or alias (`<arn>:*`) grant is needed.
    const arns: IntegrationArns = {
      function: (stepId) => defined(invoked.get(stepId), `the function of step ${stepId}`).functionArn,
      taskDefinition: (stepId) => defined(this.taskDefinitions[stepId], `the task definition of step ${stepId}`).taskDefinitionArn,
      stateMachine: (pipeline) => deployedStateMachineArn(this, pipeline),
      // Only called when the pipeline reuses steps, which the check above made sure has the function.
      stepReuse: props.stepReuseFunction?.functionArn ?? '',
    };
    for (const statement of taskCallStatements(graph, arns)) this.stateMachine.addToRolePolicy(policyStatementOf(statement));
    if (network !== undefined && Object.keys(this.taskDefinitions).length > 0) this.grantRunTasks(network.cluster);
    for (const statement of statements) this.stateMachine.addToRolePolicy(statement);
    for (const [resource, reason] of Object.entries(wildcardReasons)) acknowledgeWildcardResources(this.stateMachine.role, [resource], reason);
    const mapAccess = stateMachineDataAccess(graph, this.inputPrefixes);
    if (mapAccess !== undefined) this.grantDistributedMaps(bucket, mapAccess);

    const trigger = graph.trigger;
    if (trigger?.ingestPrefix !== undefined) this.triggerFunction = this.uploadTrigger(bucket, trigger.ingestPrefix, props.deadLetterQueue);
    if (trigger?.schedule !== undefined) this.schedule(trigger.schedule, trigger.timezone, props.deadLetterQueue);
  }

  /**
   * What a Distributed Map needs, which CDK cannot infer from raw ASL: to start its items as child
   * executions of this state machine (by name: a reference would be a cycle) and follow and stop
   * them; to read its list (the pipeline's inputs and runs) and write its results (the step's folder).
   */
  private grantDistributedMaps(bucket: IBucket, mapAccess: NonNullable<ReturnType<typeof stateMachineDataAccess>>): void {
    const stack = Stack.of(this);
    const name = deployedStateMachineName(stack.stackName, this.source.graph.name);
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [deployedStateMachineArn(this, this.source.graph.name)] }));
    const children = Arn.format({ service: 'states', resource: 'execution', resourceName: `${name}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);
    const mapRuns = Arn.format({ service: 'states', resource: 'mapRun', resourceName: `${name}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);
    // A Map Run's items are redriven through its execution ARN (`execution:<machine>/<label>:<id>`), as CDK grants it, not the mapRun ARN.
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'], resources: [children] }));
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeMapRun', 'states:UpdateMapRun'], resources: [mapRuns] }));
    acknowledgeWildcardResources(
      this.stateMachine.role,
      [children, mapRuns],
      "A Distributed Map's child executions and map runs are named when they start; the wildcard is limited to this state machine's.",
    );
    grantDataAccess(bucket, this.stateMachine.role, mapAccess.access);
    // The ResultWriter writes large result files in parts (AWS's ResultWriter permissions): it may abort and list them.
    this.stateMachine.addToRolePolicy(policyStatementOf(multipartStatement(bucket.bucketArn, mapAccess.multipart)));
  }

  /** What `ecs:runTask.sync` needs, which CDK cannot infer from raw ASL. */
  private grantRunTasks(cluster: ICluster): void {
    const stack = Stack.of(this);
    const tasks = Object.values(this.taskDefinitions);
    const clusterTasks = Arn.format({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` }, stack);
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['ecs:StopTask', 'ecs:DescribeTasks'], resources: [clusterTasks] }));
    acknowledgeWildcardResources(this.stateMachine.role, [clusterTasks], "Task ids are assigned when a task starts; the wildcard is limited to tasks in this pipeline's cluster.");
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [Arn.format({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForECSTaskRule' }, stack)],
      }),
    );
    // Passed to ECS tasks only, as AWS recommends for any PassRole.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: tasks.flatMap((t) => [t.taskRole.roleArn, t.obtainExecutionRole().roleArn]),
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
  }

  /** EventBridge "Object Created" under the ingest prefix → the trigger function → StartExecution. */
  private uploadTrigger(bucket: IBucket, ingestPrefix: string, deadLetterQueue: IQueue | undefined): BuiltinFunction {
    const { graph } = this.source;
    const triggerFunction = new BuiltinFunction(this, 'IngestTrigger', {
      builtin: 'ingest-trigger',
      timeoutSeconds: 60,
      memoryMiB: 256,
      ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }),
      environment: {
        STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
        INGEST_TRIGGER: JSON.stringify(ingestTriggerOf(graph.name, graph.trigger)),
      },
    });
    this.stateMachine.grantStartExecution(triggerFunction);
    // Deciding whether a dataset is complete lists the ingest folder; a case dataset also reads the files that name the others.
    grantDataAccess(bucket, triggerFunction.role, graph.trigger?.case === undefined ? { list: [ingestPrefix] } : { read: [ingestPrefix] });
    new Rule(this, 'UploadRule', {
      description: `Uploads under s3://<bucket>/${ingestPrefix} start ${graph.name} runs`,
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [bucket.bucketName] }, object: { key: [{ prefix: ingestPrefix }] } } },
      targets: [new LambdaFunction(triggerFunction, { retryAttempts: 8, maxEventAge: Duration.hours(2), ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }) })],
    });
    return triggerFunction;
  }

  private schedule(expression: string, timezone: string | undefined, deadLetterQueue: IQueue | undefined): void {
    // Only schedules of this account may use the role (confused-deputy guard).
    const role = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
    });
    this.stateMachine.grantStartExecution(role);
    deadLetterQueue?.grantSendMessages(role);
    new CfnSchedule(this, 'Schedule', {
      scheduleExpression: expression,
      ...(timezone === undefined ? {} : { scheduleExpressionTimezone: timezone }),
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.stateMachine.stateMachineArn,
        roleArn: role.roleArn,
        // Scheduler fills in the fire's logical time, as `orchestra up` does.
        input: JSON.stringify({ source: 'schedule', scheduledTime: '<aws.scheduler.scheduled-time>' }),
        retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
        ...(deadLetterQueue === undefined ? {} : { deadLetterConfig: { arn: deadLetterQueue.queueArn } }),
      },
    });
  }
}
