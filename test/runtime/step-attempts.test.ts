/** Each attempt of each Task state from a history (lib/runtime/step-attempts.ts): what a run's crate tells per attempt. */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { stepAttemptsFrom } from '../../lib/runtime/step-attempts';

const second = (n: number) => new Date(n * 1000);
const iso = (n: number) => second(n).toISOString();

/** Events numbered from 1, each naming the one before it (as Step Functions links them). */
function history(...events: Array<[type: string, previous: number, at: number, details?: Partial<HistoryEvent>]>): HistoryEvent[] {
  return events.map(([type, previousEventId, at, details], index) => ({ id: index + 1, previousEventId, type: type as HistoryEvent['type'], timestamp: second(at), ...details }));
}

const ecsTask = (digest: string) =>
  JSON.stringify({
    TaskArn: 'arn:task/1',
    Containers: [
      { Name: 'sidecar', ImageDigest: 'sha256:other' },
      { Name: 'step', ImageDigest: digest },
    ],
  });

describe('stepAttemptsFrom', () => {
  it('tells each attempt of a retried container step apart, with its times, error and the image digest ECS reported', () => {
    const events = history(
      ['ExecutionStarted', 0, 0],
      ['TaskStateEntered', 1, 1, { stateEnteredEventDetails: { name: 'model' } }],
      ['TaskScheduled', 2, 1],
      ['TaskStarted', 3, 2],
      ['TaskFailed', 4, 5, { taskFailedEventDetails: { resourceType: 'ecs', resource: 'runTask.sync', error: 'States.TaskFailed', cause: ecsTask('sha256:aaa') } }],
      ['TaskScheduled', 5, 7],
      ['TaskStarted', 6, 8],
      ['TaskSucceeded', 7, 12, { taskSucceededEventDetails: { resourceType: 'ecs', resource: 'runTask.sync', output: ecsTask('sha256:bbb') } }],
    );
    expect(stepAttemptsFrom(events)).toEqual({
      model: [
        { status: 'FAILED', startedAt: iso(1), stoppedAt: iso(5), error: 'States.TaskFailed', cause: ecsTask('sha256:aaa'), imageDigest: 'sha256:aaa' },
        { status: 'SUCCEEDED', startedAt: iso(7), stoppedAt: iso(12), imageDigest: 'sha256:bbb' },
      ],
    });
  });

  it('pairs concurrent attempts (Parallel branches, Map items) with their own ends, and aborts those under way when the run ends', () => {
    const events = history(
      ['ExecutionStarted', 0, 0],
      ['TaskStateEntered', 1, 1, { stateEnteredEventDetails: { name: 'left' } }], // 2
      ['TaskStateEntered', 1, 1, { stateEnteredEventDetails: { name: 'right' } }], // 3
      ['LambdaFunctionScheduled', 2, 1], // 4
      ['LambdaFunctionScheduled', 3, 2], // 5
      ['LambdaFunctionStarted', 5, 2], // 6
      ['LambdaFunctionSucceeded', 6, 3], // 7: right's
      ['LambdaFunctionStarted', 4, 3], // 8
      ['ExecutionAborted', 8, 9],
    );
    expect(stepAttemptsFrom(events)).toEqual({
      left: [{ status: 'ABORTED', startedAt: iso(1), stoppedAt: iso(9) }],
      right: [{ status: 'SUCCEEDED', startedAt: iso(2), stoppedAt: iso(3) }],
    });
  });

  it('takes a cause that is not a task description (or is cut short) as no digest, and a Lambda timeout as a failure', () => {
    const events = history(
      ['ExecutionStarted', 0, 0],
      ['TaskStateEntered', 1, 1, { stateEnteredEventDetails: { name: 'model' } }],
      ['TaskScheduled', 2, 1],
      ['TaskFailed', 3, 2, { taskFailedEventDetails: { resourceType: 'ecs', resource: 'runTask.sync', error: 'States.TaskFailed', cause: '{"TaskArn": "arn:task/1", "Contai' } }],
      ['TaskStateEntered', 4, 3, { stateEnteredEventDetails: { name: 'fn' } }],
      ['LambdaFunctionScheduled', 5, 3],
      ['LambdaFunctionTimedOut', 6, 4, { lambdaFunctionTimedOutEventDetails: { error: 'States.Timeout' } }],
    );
    const attempts = stepAttemptsFrom(events);
    expect(attempts['model']?.[0]).not.toHaveProperty('imageDigest');
    expect(attempts['fn']).toEqual([{ status: 'FAILED', startedAt: iso(3), stoppedAt: iso(4), error: 'States.Timeout' }]);
  });
});
