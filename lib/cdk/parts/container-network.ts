/**
 * Where container steps run: public subnets with public IPs and no NAT gateway or VPC endpoints, so
 * tasks reach S3, ECR and CloudWatch directly at no hourly network cost; a security group allowing no
 * inbound traffic; an ECS cluster with Container Insights. An existing VPC can be given instead.
 */
import { CfnOutput, Fn, type Stack } from 'aws-cdk-lib';
import { FlowLogDestination, type IVpc, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import { STACK_OUTPUTS } from '../../contract/stack-outputs';
import { asInterface } from '../cdk-interfaces';

export class ContainerNetwork {
  readonly vpc: IVpc;
  readonly cluster: Cluster;
  readonly securityGroup: SecurityGroup;

  /** Built in the stack's own scope (see ../orchestra-stack.ts); `vpcId`: an existing VPC, looked up at synth. */
  constructor(stack: Stack, vpcId: string | undefined) {
    this.vpc =
      vpcId !== undefined
        ? asInterface(Vpc.fromLookup(stack, 'Vpc', { vpcId }))
        : asInterface(
            new Vpc(stack, 'Vpc', {
              natGateways: 0,
              maxAzs: 2,
              subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC }],
              flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs() } },
            }),
          );
    this.cluster = new Cluster(stack, 'Cluster', { vpc: this.vpc, containerInsightsV2: ContainerInsights.ENABLED });
    this.securityGroup = new SecurityGroup(stack, 'TaskSecurityGroup', { vpc: this.vpc, description: 'Orchestra container steps: egress only', allowAllOutbound: true });
    new CfnOutput(stack, STACK_OUTPUTS.ecsCluster, { value: this.cluster.clusterName, description: 'the ECS cluster container steps run in' });
    new CfnOutput(stack, STACK_OUTPUTS.containerSubnets, {
      value: Fn.join(',', this.vpc.selectSubnets({ subnetType: SubnetType.PUBLIC }).subnetIds),
      description: 'subnets container steps run in, comma-separated',
    });
    new CfnOutput(stack, STACK_OUTPUTS.containerSecurityGroup, { value: this.securityGroup.securityGroupId, description: "container steps' security group" });
  }
}
