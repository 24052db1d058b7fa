/** Execution histories become per-step outcomes the same way for every caller. */

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { everyStepOutcome, readExecutionHistory, stepOutcomesFrom } from '../../lib/runtime/execution-history';
import { fakeSfn } from '../helpers/fake-sfn';

describe('stepOutcomesFrom', () => {
  it('reads a history whose previousEventId links run in a circle without hanging, finding no step for them', () => {
    const looping: HistoryEvent[] = [
      { id: 1, type: 'LambdaFunctionScheduled', timestamp: new Date(0), previousEventId: 2 },
      { id: 2, type: 'LambdaFunctionStarted', timestamp: new Date(0), previousEventId: 1 },
    ];

    expect(stepOutcomesFrom(looping)).toEqual({});
  });

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

    const times = { startedAt: at.toISOString(), stoppedAt: at.toISOString() };
    expect(stepOutcomesFrom(events)).toEqual({
      'validate-inputs': { status: 'SUCCEEDED', attempts: 1, ...times },
      'run-flood-model': { status: 'FAILED', attempts: 2, error: 'States.TaskFailed', cause: 'exit 3 again', ...times },
      'other-branch': { status: 'SUCCEEDED', attempts: 1, ...times },
    });
  });

  it('reads a step under way as RUNNING (a retry too), and as ABORTED once the run ended during it, until a redrive', () => {
    id = 0;
    const second = (n: number) => ({ timestamp: new Date(n * 1000) });
    const events: HistoryEvent[] = [
      event('ExecutionStarted', 0, second(0)),
      event('TaskStateEntered', 1, { stateEnteredEventDetails: { name: 'model' }, ...second(1) }), // 2
      event('TaskScheduled', 2, second(1)), // 3
      event('TaskFailed', 3, { taskFailedEventDetails: { resourceType: 'ecs', resource: 'runTask.sync', error: 'States.TaskFailed', cause: 'exit 1' }, ...second(5) }), // 4
      event('TaskScheduled', 4, second(7)), // 5: the retry, under way
    ];

    expect(stepOutcomesFrom(events)['model']).toEqual({
      status: 'RUNNING',
      attempts: 2,
      error: 'States.TaskFailed',
      cause: 'exit 1',
      startedAt: '1970-01-01T00:00:01.000Z',
    });
    events.push(event('ExecutionAborted', 5, second(9)));
    // It stopped when the run did (issue 29, item 24: an ABORTED step had no stoppedAt).
    expect(stepOutcomesFrom(events)['model']).toMatchObject({ status: 'ABORTED', attempts: 2, stoppedAt: '1970-01-01T00:00:09.000Z' });
    events.push(event('ExecutionRedriven', 6, second(20)), event('TaskScheduled', 5, second(21)));
    expect(stepOutcomesFrom(events)['model']).toMatchObject({ status: 'RUNNING', attempts: 3 });
  });
  it("forgets an earlier attempt's error once the step succeeds (a retry or a redrive)", () => {
    id = 0;
    const events: HistoryEvent[] = [
      event('ExecutionStarted', 0),
      event('TaskStateEntered', 1, { stateEnteredEventDetails: { name: 'b' } }), // 2
      event('LambdaFunctionScheduled', 2), // 3
      event('LambdaFunctionFailed', 3, { lambdaFunctionFailedEventDetails: { error: 'NotReady', cause: 'b is not ready' } }), // 4
      event('ExecutionFailed', 4), // 5
      event('ExecutionRedriven', 5), // 6
      event('LambdaFunctionScheduled', 2), // 7
      event('LambdaFunctionSucceeded', 7), // 8
    ];

    expect(stepOutcomesFrom(events)['b']).toEqual({ status: 'SUCCEEDED', attempts: 2, startedAt: at.toISOString(), stoppedAt: at.toISOString() });
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

describe('everyStepOutcome', () => {
  const ran = { status: 'SUCCEEDED', attempts: 1 } as const;

  it('lists every step in pipeline order: not run yet PENDING while the run goes on, SKIPPED once it ended (the console said PENDING: issue 29, item 24)', () => {
    expect(everyStepOutcome({ a: ran }, ['a', 'b'], false)).toEqual({ a: ran, b: { status: 'PENDING', attempts: 0 } });
    expect(everyStepOutcome({ a: ran }, ['a', 'b'], true)).toEqual({ a: ran, b: { status: 'SKIPPED', attempts: 0 } });
  });

  it('keeps states that are no step of the pipeline after its steps, and ignores prototype names', () => {
    const steps = everyStepOutcome({ 'map: item': ran, toString: ran }, ['toString', 'b'], true);
    expect(Object.keys(steps)).toEqual(['toString', 'b', 'map: item']);
    expect(steps['b']).toEqual({ status: 'SKIPPED', attempts: 0 });
  });
});
