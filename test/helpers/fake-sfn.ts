import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

export type Sent = { command: string; input: Record<string, unknown> };
type Respond = (command: string, input: Record<string, unknown>) => unknown;

/** What the first middleware of a faked client does: record the command and answer for AWS. */
const answer =
  (respond: Respond, sent: Sent[], commandName: unknown) =>
  async (args: { input: unknown }): Promise<{ output: never; response: object }> => {
    const command = String(commandName);
    const input = { ...(args.input as Record<string, unknown>) };
    sent.push({ command, input });
    const answered = await Promise.resolve(respond(command, input));
    return { output: Object.assign({ $metadata: {} }, answered) as never, response: {} };
  };

const offline = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const FIRST = { step: 'initialize', name: 'fakeAws' } as const;

/** A real SFNClient whose first middleware answers instead of AWS: the SDK's paginators and error classes work as deployed. */
export function fakeSfn(respond: Respond): { sfn: SFNClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const sfn = new SFNClient(offline);
  sfn.middlewareStack.add((_next, context) => answer(respond, sent, context.commandName), FIRST);
  return { sfn, sent };
}

/** A real CloudWatchLogsClient answered the same way. */
export function fakeCloudWatchLogs(respond: Respond): { logs: CloudWatchLogsClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const logs = new CloudWatchLogsClient(offline);
  logs.middlewareStack.add((_next, context) => answer(respond, sent, context.commandName), FIRST);
  return { logs, sent };
}

/** A real LambdaClient answered the same way. */
export function fakeLambda(respond: Respond): { lambda: LambdaClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const lambda = new LambdaClient(offline);
  lambda.middlewareStack.add((_next, context) => answer(respond, sent, context.commandName), FIRST);
  return { lambda, sent };
}

/** A real S3Client answered the same way. */
export function fakeS3(respond: Respond): { s3: S3Client; sent: Sent[] } {
  const sent: Sent[] = [];
  const s3 = new S3Client(offline);
  s3.middlewareStack.add((_next, context) => answer(respond, sent, context.commandName), FIRST);
  return { s3, sent };
}
