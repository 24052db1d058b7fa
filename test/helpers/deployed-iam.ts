/**
 * The synthesized stack's IAM, evaluated offline as AWS would evaluate it (@cloud-copilot/iam-simulate
 * implements AWS's policy evaluation, resource types and condition keys per action): the template's
 * intrinsic functions resolved to the ARNs a deployment in one account and region would give, then a
 * call — who, which action, on what — decided against the role's policies and the resource's policy.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** The names a resource type's explicit-name property and ARN take; others are named after their logical id. */
const NAMED: Readonly<Record<string, { readonly nameProperty?: string; readonly arn: (name: string) => string; readonly ref?: 'arn' }>> = {
  'AWS::S3::Bucket': { nameProperty: 'BucketName', arn: (name) => `arn:aws:s3:::${name}` },
  'AWS::DynamoDB::Table': { nameProperty: 'TableName', arn: (name) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}` },
  'AWS::Lambda::Function': { nameProperty: 'FunctionName', arn: (name) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}` },
  'AWS::IAM::Role': { nameProperty: 'RoleName', arn: (name) => `arn:aws:iam::${ACCOUNT}:role/${name}` },
  'AWS::StepFunctions::StateMachine': { nameProperty: 'StateMachineName', arn: (name) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`, ref: 'arn' },
  'AWS::Logs::LogGroup': { nameProperty: 'LogGroupName', arn: (name) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*` },
  'AWS::SNS::Topic': { nameProperty: 'TopicName', arn: (name) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`, ref: 'arn' },
  'AWS::SQS::Queue': { nameProperty: 'QueueName', arn: (name) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}` },
  'AWS::KMS::Key': { arn: (name) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${name}` },
  'AWS::ECS::Cluster': { nameProperty: 'ClusterName', arn: (name) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}` },
  'AWS::ECS::TaskDefinition': { arn: (name) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:1`, ref: 'arn' },
  'AWS::Scheduler::ScheduleGroup': { nameProperty: 'Name', arn: (name) => `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/${name}` },
  'AWS::Events::EventBus': { nameProperty: 'Name', arn: (name) => `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}` },
};

/** A template with its intrinsic functions resolved (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub). */
export class DeployedTemplate {
  private readonly resources: Resources;

  constructor(
    template: Template,
    private readonly stackName: string,
  ) {
    this.resources = template.toJSON()['Resources'] as Resources;
  }

  private nameOf(logicalId: string): string {
    const resource = this.resources[logicalId];
    const property = resource === undefined ? undefined : NAMED[resource.Type]?.nameProperty;
    const explicit = property === undefined ? undefined : resource?.Properties?.[property];
    return explicit === undefined ? `${this.stackName}-${logicalId}`.toLowerCase() : String(this.resolve(explicit));
  }

  arnOf(logicalId: string): string {
    const type = this.resources[logicalId]?.Type ?? '';
    const named = NAMED[type];
    if (named === undefined) throw new Error(`no ARN rule for ${logicalId} (${type}): add it to NAMED`);
    return named.arn(this.nameOf(logicalId));
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') {
      const id = String(argument);
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws',
        'AWS::Region': REGION,
        'AWS::AccountId': ACCOUNT,
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::StackName': this.stackName,
      };
      if (Object.hasOwn(pseudo, id)) return pseudo[id];
      const type = this.resources[id]?.Type ?? '';
      return NAMED[type]?.ref === 'arn' ? this.arnOf(id) : this.nameOf(id);
    }
    if (entries.length === 1 && key === 'Fn::GetAtt') {
      const [id, attribute] = argument as [string, string];
      if (attribute === 'Arn') return this.arnOf(id);
      return `${this.nameOf(id)}.${attribute}`;
    }
    if (entries.length === 1 && key === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return (this.resolve(parts) as unknown[]).join(separator);
    }
    if (entries.length === 1 && key === 'Fn::Select') {
      const [index, list] = argument as [number, unknown];
      return (this.resolve(list) as unknown[])[Number(index)];
    }
    if (entries.length === 1 && key === 'Fn::Split') {
      const [separator, text] = argument as [string, unknown];
      return String(this.resolve(text)).split(separator);
    }
    if (entries.length === 1 && key === 'Fn::Sub') {
      const text = String(Array.isArray(argument) ? argument[0] : argument);
      return text.replace(/\$\{([^}]+)\}/g, (_all, name: string) => String(this.resolve(name.includes('.') ? { 'Fn::GetAtt': name.split('.') } : { Ref: name })));
    }
    return Object.fromEntries(entries.map(([name, item]) => [name, this.resolve(item)]));
  }

  /** Logical ids of resources of a type whose logical id contains `part`. */
  idsOf(type: string, part = ''): string[] {
    return Object.entries(this.resources)
      .filter(([id, resource]) => resource.Type === type && id.includes(part))
      .map(([id]) => id);
  }

  /** The role a function (Role) or state machine (RoleArn) runs as. */
  roleOfFunction(functionId: string): string {
    const properties = this.resources[functionId]?.Properties;
    const role = (properties?.['Role'] ?? properties?.['RoleArn']) as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const id = role?.['Fn::GetAtt']?.[0];
    if (id === undefined) throw new Error(`${functionId} has no role of this stack`);
    return id;
  }

  /** Every identity policy attached to the role, resolved. */
  policiesOfRole(roleId: string): Array<{ name: string; policy: unknown }> {
    const attached = Object.entries(this.resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties?.['Roles'] ?? []).includes(`"${roleId}"`))
      .map(([id, resource]) => ({ name: id, policy: this.resolve(resource.Properties?.['PolicyDocument']) }));
    const inline = ((this.resources[roleId]?.Properties?.['Policies'] ?? []) as Array<{ PolicyName: string; PolicyDocument: unknown }>).map((p) => ({
      name: p.PolicyName,
      policy: this.resolve(p.PolicyDocument),
    }));
    return [...attached, ...inline];
  }

  /** The resource policy of a bucket, topic, queue or key, resolved. */
  resourcePolicyOf(logicalId: string): unknown {
    const resource = this.resources[logicalId];
    if (resource?.Type === 'AWS::KMS::Key') return this.resolve(resource.Properties?.['KeyPolicy']);
    const policyType = { 'AWS::S3::Bucket': 'AWS::S3::BucketPolicy', 'AWS::SNS::Topic': 'AWS::SNS::TopicPolicy', 'AWS::SQS::Queue': 'AWS::SQS::QueuePolicy' }[resource?.Type ?? ''];
    const target = { 'AWS::S3::BucketPolicy': 'Bucket', 'AWS::SNS::TopicPolicy': 'Topics', 'AWS::SQS::QueuePolicy': 'Queues' }[policyType ?? ''];
    const policy = Object.values(this.resources).find(
      (candidate) => candidate.Type === policyType && JSON.stringify(candidate.Properties?.[target ?? ''] ?? null).includes(`"${logicalId}"`),
    );
    return policy === undefined ? undefined : this.resolve(policy.Properties?.['PolicyDocument']);
  }
}

export interface Call {
  /** A role's logical id, or a service principal such as `cloudwatch.amazonaws.com`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The resource's logical id when it has a policy of its own (bucket, topic, queue, key). */
  readonly resourceId?: string;
  readonly context?: Record<string, string | string[]>;
}

/** AWS's decision on one call: Allowed, ImplicitlyDenied or ExplicitlyDenied (or the simulator's refusal of the request). */
export async function decide(template: DeployedTemplate, call: Call): Promise<string> {
  const isService = call.principal.endsWith('.amazonaws.com');
  const resourcePolicy = call.resourceId === undefined ? undefined : template.resourcePolicyOf(call.resourceId);
  const simulation: Simulation = {
    request: {
      principal: isService ? call.principal : template.arnOf(call.principal),
      action: call.action,
      resource: { resource: call.resource, accountId: ACCOUNT },
      contextVariables: { 'aws:SecureTransport': 'true', ...(isService ? {} : { 'aws:PrincipalAccount': ACCOUNT }), ...call.context },
    },
    identityPolicies: isService ? [] : template.policiesOfRole(call.principal),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
  } as Simulation;
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') return `error: ${JSON.stringify(response.errors)}`;
  return response.overallResult;
}
