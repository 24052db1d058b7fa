import { SFNClient } from '@aws-sdk/client-sfn';

export type Sent = { command: string; input: Record<string, unknown> };

/** A real SFNClient whose first middleware answers instead of AWS: the SDK's paginators and error classes work as deployed. */
export function fakeSfn(respond: (command: string, input: Record<string, unknown>) => unknown): { sfn: SFNClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const sfn = new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  sfn.middlewareStack.add(
    (_next, context) => async (args) => {
      const command = String(context.commandName);
      const input = { ...(args.input as Record<string, unknown>) };
      sent.push({ command, input });
      const answer = await Promise.resolve(respond(command, input));
      return { output: Object.assign({ $metadata: {} }, answer) as never, response: {} };
    },
    { step: 'initialize', name: 'fakeSfn' },
  );
  return { sfn, sent };
}
