import { describe, expect, it } from 'vitest';
import { runChangeEvent } from '../../lib/contract/run-changes';
import { runChangeOf } from '../../lib/local/runs/run-changes';

const at = () => new Date('2026-12-03T00:00:00.000Z');
const pipelineOf = (runId: string) => (runId === 'r1' ? 'flood' : undefined);

describe('runChangeOf', () => {
  it("turns a step's progress into a change naming the run's pipeline, and drops events of unknown runs or of no run", () => {
    const change = runChangeOf({ type: 'step-progress', runId: 'r1', step: 'run-model', attempt: 1, percent: 40 }, pipelineOf, at);

    expect(change).toEqual({ type: 'progress', pipeline: 'flood', runId: 'r1', step: 'run-model', percent: 40, time: '2026-12-03T00:00:00.000Z' });
    expect(runChangeEvent(change ?? { type: 'run', pipeline: '', runId: '', time: '' })).toBe(`event: progress\ndata: ${JSON.stringify(change)}\n\n`);
    expect(runChangeOf({ type: 'step', runId: 'gone', step: 's', status: 'RUNNING', attempt: 1 }, pipelineOf, at)).toBeUndefined();
    expect(runChangeOf({ type: 'schedule', pipeline: 'p', action: 'fired', scheduledTimes: [] }, pipelineOf, at)).toBeUndefined();
  });
});
