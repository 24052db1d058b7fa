import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { RunAlreadyExistsError, RunStore } from '../../lib/local/runs/run-store';
import { stepOutcomesFrom } from '../../lib/runtime/execution-history';

const record = (runId: string, ownerPid: number): RunRecord => ({
  runId,
  pipeline: 'p',
  input: { source: 'cli' },
  status: 'RUNNING',
  startedAt: '2026-11-22T10:00:00.000Z',
  steps: { a: { status: 'RUNNING', attempts: 1, startedAt: '2026-11-22T10:00:00.000Z' }, b: { status: 'PENDING', attempts: 0 } },
  outputs: 's3://orchestra-data/runs/x/',
  ownerPid,
});

describe('run store', () => {
  it('fails when a run name is used a second time, even by a new store on the same folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    new RunStore(dir).create(record('r1', process.pid));

    expect(() => new RunStore(dir).create(record('r1', process.pid))).toThrow(RunAlreadyExistsError);
  });

  it('marks runs of a process that died as ABORTED with the reason, and leaves live ones alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    const store = new RunStore(dir);
    store.create(record('dead', 2 ** 22 + 12345));
    store.create(record('alive', process.pid));

    const { interrupted } = new RunStore(dir).markInterrupted(new Date('2026-11-22T11:00:00.000Z'));

    expect(interrupted).toEqual(['dead']);
    expect(store.get('dead')).toMatchObject({
      status: 'ABORTED',
      stoppedAt: '2026-11-22T11:00:00.000Z',
      error: { error: 'Orchestra.Interrupted' },
      steps: { a: { status: 'ABORTED' }, b: { status: 'PENDING' } },
    });
    expect(store.get('alive').status).toBe('RUNNING');
  });

  it('ends the history of an interrupted run as a stopped execution does, so its step under way reads ABORTED, with an end (issue 29, item 6)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    const store = new RunStore(dir);
    store.create(record('killed', 2 ** 22 + 54321));
    const at = new Date('2026-11-22T10:00:00.000Z');
    store.appendHistory('killed', { id: 1, type: 'ExecutionStarted', timestamp: at });
    store.appendHistory('killed', { id: 2, previousEventId: 1, type: 'TaskStateEntered', timestamp: at, stateEnteredEventDetails: { name: 'a' } });
    store.appendHistory('killed', { id: 3, previousEventId: 2, type: 'TaskScheduled', timestamp: at });
    // Committed as this turn of the event loop ends: what another process then reads.
    await new Promise(setImmediate);

    new RunStore(dir).markInterrupted(new Date('2026-11-22T11:00:00.000Z'));
    const history = store.readHistory('killed');

    expect(history.at(-1)).toMatchObject({ id: 4, previousEventId: 3, type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Orchestra.Interrupted' } });
    expect(stepOutcomesFrom(history)['a']).toMatchObject({ status: 'ABORTED', stoppedAt: '2026-11-22T11:00:00.000Z' });
  });
});
