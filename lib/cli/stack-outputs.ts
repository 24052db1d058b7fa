/** A deployed stack's CloudFormation outputs, for the commands that take `--stack <name>`. */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { messageOf, OrchestraError } from '../shared/errors';

export type StackOutputsReader = (stackName: string, region: string | undefined) => Promise<Record<string, string>>;

export const readStackOutputs: StackOutputsReader = async (stackName, region) => {
  const client = new CloudFormationClient(region === undefined ? {} : { region });
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).flatMap((o) => (o.OutputKey === undefined || o.OutputValue === undefined ? [] : [[o.OutputKey, o.OutputValue]])));
  } catch (error) {
    throw new OrchestraError('stack-unreachable', `cannot read stack ${stackName} (${messageOf(error)}) — check the region (AWS_REGION) and your AWS credentials`, {
      cause: error,
    });
  } finally {
    client.destroy();
  }
};
