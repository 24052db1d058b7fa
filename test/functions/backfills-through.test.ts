/** In AWS the runs API hands a planned backfill to the conductor with an asynchronous invocation. */
import { type InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it, vi } from 'vitest';
import { backfillsThrough } from '../../functions/runs-api';

describe('backfills in AWS', () => {
  it('invokes the conductor asynchronously (Event) with the backfill id, so the API answers at once', async () => {
    const lambda = new LambdaClient({ region: 'eu-west-1' });
    const sent: InvokeCommand['input'][] = [];
    vi.spyOn(lambda, 'send').mockImplementation(async (command: { input: unknown }) => {
      sent.push(command.input as InvokeCommand['input']);
      return { StatusCode: 202 };
    });
    await backfillsThrough(lambda, 'Stack-KeyedTriggersConductor').start('bf-AAAAAAAAAAAAAAAA');
    expect(sent).toEqual([{ FunctionName: 'Stack-KeyedTriggersConductor', InvocationType: 'Event', Payload: '{"backfill":{"id":"bf-AAAAAAAAAAAAAAAA"}}' }]);
  });
});
