/**
 * `.waitForTaskToken` locally: each attempt gets a token where `$$.Task.Token` is, the Task waits for
 * SendTaskSuccess / SendTaskFailure sent through the local Step Functions endpoint with the SDK,
 * HeartbeatSeconds is enforced, and a token whose Task ended answers TaskTimedOut.
 */
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDefinition } from '../../lib/compiler/asl';
import { type ExecutionOutcome, prepareMachine, startExecution, type TaskAttempt } from '../../lib/local/engine/engine';
import type { LocalRuntime } from '../../lib/local/runtime';
import { startTestRuntime } from '../helpers/local-runtime';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime([]);
});
afterAll(async () => {
  await runtime.stop();
});

const callbackMachine = (extra: Record<string, unknown> = {}) =>
  prepareMachine(
    checkDefinition(
      {
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token', 'note.$': "States.Format('reply to {}', $$.Task.Token)" } },
            ResultPath: '$.answer',
            TimeoutSeconds: 30,
            End: true,
            ...extra,
          },
        },
      },
      'test',
    ),
    new Set(['Ask']),
  );

/** Starts the machine; resolves with the token the Task was given and the run's outcome. */
async function ask(extra: Record<string, unknown> = {}): Promise<{ token: string; note: string; outcome: Promise<ExecutionOutcome> }> {
  let given: (attempt: TaskAttempt) => void = () => undefined;
  const seen = new Promise<TaskAttempt>((resolve) => {
    given = resolve;
  });
  const execution = startExecution(
    callbackMachine(extra),
    { question: 'ready?' },
    {
      name: `ask-${Date.now()}`,
      tokens: runtime.tokens,
      handlers: {
        Ask: async (attempt) => {
          given(attempt);
          return { sent: true };
        },
      },
    },
  );
  const attempt = await seen;
  const body = attempt.input !== null && typeof attempt.input === 'object' && !Array.isArray(attempt.input) ? attempt.input['MessageBody'] : undefined;
  const message = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
  return { token: String(message['token']), note: String(message['note']), outcome: execution.result };
}

describe('task tokens', () => {
  it('waits for SendTaskSuccess and takes its output as the Task result', async () => {
    const { token, note, outcome } = await ask();

    expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(note).toBe(`reply to ${token}`);
    await runtime.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved": true}' }));
    expect(await outcome).toEqual({ status: 'SUCCEEDED', output: { question: 'ready?', answer: { approved: true } } });
    await expect(runtime.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('fails the Task with the error and cause of SendTaskFailure', async () => {
    const { token, outcome } = await ask();

    await runtime.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Review.Rejected', cause: 'inputs incomplete' }));
    expect(await outcome).toEqual({ status: 'FAILED', error: 'Review.Rejected', cause: 'inputs incomplete' });
  });

  it('keeps a Task alive while heartbeats arrive, and fails it with States.HeartbeatTimeout when they stop', async () => {
    const alive = await ask({ HeartbeatSeconds: 1 });
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await runtime.sfn.send(new SendTaskHeartbeatCommand({ taskToken: alive.token }));
    }
    await runtime.sfn.send(new SendTaskSuccessCommand({ taskToken: alive.token, output: '"ok"' }));
    expect((await alive.outcome).status).toBe('SUCCEEDED');

    const silent = await ask({ HeartbeatSeconds: 1 });
    expect(await silent.outcome).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    await expect(runtime.sfn.send(new SendTaskHeartbeatCommand({ taskToken: silent.token }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('answers unknown, malformed tokens and bad output with the names AWS uses', async () => {
    await expect(runtime.sfn.send(new SendTaskSuccessCommand({ taskToken: 'A'.repeat(64), output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
    await expect(runtime.sfn.send(new SendTaskSuccessCommand({ taskToken: 'not a token!', output: '{}' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    const { token, outcome } = await ask();
    await expect(runtime.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{oops' }))).rejects.toMatchObject({ name: 'InvalidOutput' });
    await runtime.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '1' }));
    expect((await outcome).status).toBe('SUCCEEDED');
  });
});
