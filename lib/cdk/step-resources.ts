/** What a kind's CDK module (lib/cdk/kinds/<kind>.ts) gets and gives for one step of a pipeline. */
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import type { FargateTaskDefinition, ICluster } from 'aws-cdk-lib/aws-ecs';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { PipelineGraph, Step } from '../graph/schema';
import type { DataAccess } from './data-access';
import type { OrchestraFunction } from './step-function';

/** The VPC, cluster and security group container steps run in. */
export interface ContainerNetwork {
  readonly cluster: ICluster;
  readonly vpc: IVpc;
  readonly securityGroup: ISecurityGroup;
}

export interface StepResourcesContext<S extends Step = Step> {
  /** The pipeline's construct: every resource of the step is created in it. */
  readonly scope: Construct;
  readonly graph: PipelineGraph;
  readonly stepId: string;
  readonly step: S;
  /** Project root: handler and image paths in the graph are relative to it. */
  readonly rootDir: string;
  readonly bucket: IBucket;
  /** What the step may read and write in the bucket. */
  readonly access: DataAccess;
  /** The shared function behind `simulate` steps. */
  readonly simulateFunction: IFunction;
  /** The shared function behind `service` steps; the stack creates it when a pipeline has one. */
  readonly serviceCallFunction: IFunction | undefined;
  readonly network: ContainerNetwork | undefined;
}

export interface StepResources {
  /** Values for the definition's placeholders this step uses. */
  readonly substitutions: Readonly<Record<string, string>>;
  /** A function the state machine invokes for this step. */
  readonly invokes?: IFunction;
  /** The step's own function, if it has one (dashboard widgets, outputs). */
  readonly function?: OrchestraFunction;
  /** The step's Fargate task definition, if it runs a container. */
  readonly taskDefinition?: FargateTaskDefinition;
  readonly logGroup?: ILogGroup;
  /** The name of the log group its lines go to, known at synth (lib/contract/log-groups.ts). */
  readonly logGroupName?: string;
  /** What the state machine's role needs beyond invoking `invokes` (service integrations CDK cannot infer from raw ASL). */
  readonly policies?: readonly PolicyStatement[];
  /** Why each wildcard resource of `policies` is needed (cdk-nag AwsSolutions-IAM5), by resource. */
  readonly wildcardReasons?: Readonly<Record<string, string>>;
}

/** How CDK deploys one kind of step. */
export interface CdkKind<S extends Step> {
  readonly resources: (context: StepResourcesContext<S>) => StepResources;
  /** The stack must create a VPC, cluster and security group for it. @default false */
  readonly needsContainerNetwork?: boolean;
  /** The handler file its own function bundles, if it has one (bundle-size budget, `npm run bench`). */
  readonly functionEntry?: (step: S, rootDir: string) => string;
}
