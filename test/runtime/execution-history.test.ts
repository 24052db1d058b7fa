/** Execution histories become per-step outcomes the same way for every caller. */

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { readExecutionHistory, stepOutcomesFrom } from '../../lib/runtime/execution-history';
import { fakeSfn } from '../helpers/fake-sfn';

describe('stepOutcomesFrom', () => {
  const at = new Date(0);
  let id = 0;
  const event = (type: string, previousEventId: number, details: Partial<HistoryEvent> = {}): HistoryEvent => ({
    id: ++id,
    previousEventId,
    type: type as HistoryEvent['type'],
    timestamp: at,
    ...details,
  });

  it('counts attempts per Task state and keeps the last error, following previousEventId through Parallel branches', () => {
    id = 0;
    const events: HistoryEvent[] = [
      event('ExecutionStarted', 0),
      event('TaskStateEntered', 1, { stateEnteredEventDetails: { name: 'validate-inputs' } }), // 2
      event('LambdaFunctionScheduled', 2), // 3
      event('LambdaFunctionStarted', 3), // 4
      event('LambdaFunctionSucceeded', 4), // 5
      event('TaskStateEntered', 5, { stateEnteredEventDetails: { name: 'run-flood-model' } }), // 6
      event('TaskStateEntered', 5, { stateEnteredEventDetails: { name: 'other-branch' } }), // 7
      event('TaskScheduled', 6), // 8
      event('LambdaFunctionScheduled', 7), // 9
      event('TaskFailed', 8, { taskFailedEventDetails: { resourceType: 'ecs', resource: 'runTask.sync', error: 'States.TaskFailed', cause: 'exit 3' } }), // 10
      event('LambdaFunctionSucceeded', 9), // 11
      event('TaskScheduled', 10), // 12: the retry
      event('TaskFailed', 12, { taskFailedEventDetails: { resourceType: 'ecs', resource: 'runTask.sync', error: 'States.TaskFailed', cause: 'exit 3 again' } }), // 13
    ];

    expect(stepOutcomesFrom(events)).toEqual({
      'validate-inputs': { status: 'SUCCEEDED', attempts: 1 },
      'run-flood-model': { status: 'FAILED', attempts: 2, error: 'States.TaskFailed', cause: 'exit 3 again' },
      'other-branch': { status: 'SUCCEEDED', attempts: 1 },
    });
  });
});

describe('readExecutionHistory', () => {
  it('follows nextToken through every page (the SDK paginator)', async () => {
    const pages: Record<string, { events: HistoryEvent[]; nextToken?: string }> = {
      first: { events: [{ id: 1, type: 'ExecutionStarted', timestamp: new Date(0) }], nextToken: 'second' },
      second: { events: [{ id: 2, type: 'ExecutionSucceeded', timestamp: new Date(0) }] },
    };
    const { sfn, sent } = fakeSfn((_, input) => pages[typeof input['nextToken'] === 'string' ? input['nextToken'] : 'first']);

    const events = await readExecutionHistory(sfn, 'arn:aws:states:us-east-1:123456789012:execution:p:r');

    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
    expect(sent.map((s) => [s.command, s.input['nextToken'], s.input['maxResults']])).toEqual([
      ['GetExecutionHistoryCommand', undefined, 1000],
      ['GetExecutionHistoryCommand', 'second', 1000],
    ]);
  });
});
