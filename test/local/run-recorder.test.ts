/** The run record follows the interpreter's own event log: attempts, retries, failures inside Parallel branches. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../lib/compiler/asl';
import { prepareMachine, startExecution, type TaskHandler } from '../../lib/local/engine/engine';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { RunRecorder } from '../../lib/local/runs/run-recorder';
import { RunStore } from '../../lib/local/runs/run-store';
import { type RuntimeEvent, RuntimeEvents } from '../../lib/local/runs/runtime-events';

const task = (extra: Record<string, unknown> = {}) => ({ Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:f', TimeoutSeconds: 5, End: true, ...extra });

async function record(states: Record<string, unknown>, handlers: Record<string, TaskHandler>, maxAttempts: Record<string, number> = {}) {
  const definition = checkDefinition({ StartAt: Object.keys(states)[0], States: states }, 'test');
  const stepIds = Object.keys(handlers);
  const run: RunRecord = {
    runId: 'r1',
    pipeline: 'p',
    input: { source: 'cli' },
    status: 'RUNNING',
    startedAt: new Date().toISOString(),
    steps: Object.fromEntries(stepIds.map((id) => [id, { status: 'PENDING' as const, attempts: 0 }])),
    outputs: 's3://b/runs/p/r1/',
    ownerPid: process.pid,
  };
  const store = new RunStore(mkdtempSync(join(tmpdir(), 'orchestra-recorder-')));
  store.create(run);
  const events = new RuntimeEvents();
  const seen: string[] = [];
  events.on((event: RuntimeEvent) => {
    if (event.type === 'step') seen.push(`${event.step} ${event.status} ${event.attempt}${event.error === undefined ? '' : ` ${event.error.error}`}`);
  });
  const recorder = new RunRecorder(run, store, events, new Map(Object.entries(maxAttempts)));
  const execution = startExecution(prepareMachine(definition, new Set(stepIds)), {}, { name: 'r1', handlers, retryDelayMs: 1 });
  const [outcome] = await Promise.all([execution.result, recorder.follow(execution.events)]);
  recorder.finish(outcome);
  await store.close();
  return { run, seen };
}

describe('run recorder', () => {
  it('counts attempts from the interpreter: a retried step that then succeeds has two attempts', async () => {
    let calls = 0;
    const flaky: TaskHandler = async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('flaky'), { name: 'Orchestra.Transient' });
      return { ok: true };
    };

    const { run, seen } = await record({ A: task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }] }) }, { A: flaky }, { A: 3 });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps['A']).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(run.steps['A']?.error).toBeUndefined();
    expect(seen).toEqual(['A RUNNING 1', 'A RETRYING 1 Orchestra.Transient', 'A RUNNING 2', 'A SUCCEEDED 2']);
  });

  it('records the error of a step failing inside a Parallel branch, and marks the step cut short ABORTED', async () => {
    const parallel = {
      Type: 'Parallel',
      End: true,
      Branches: [
        { StartAt: 'A', States: { A: task() } },
        { StartAt: 'B', States: { B: task() } },
      ],
    };
    const fails: TaskHandler = async () => {
      throw Object.assign(new Error('bad input'), { name: 'Orchestra.Permanent' });
    };
    const slow: TaskHandler = ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped'))));

    const { run } = await record({ P: parallel }, { A: fails, B: slow });

    expect(run.status).toBe('FAILED');
    expect(run.steps['A']).toMatchObject({ status: 'FAILED', attempts: 1, error: { error: 'Orchestra.Permanent', cause: 'bad input' } });
    expect(run.steps['B']).toMatchObject({ status: 'ABORTED', attempts: 1 });
  });

  it('never retries a permanent error: the failed attempt is recorded FAILED, not RETRYING', async () => {
    const fails: TaskHandler = async () => {
      throw Object.assign(new Error('bad input'), { name: 'Orchestra.Permanent' });
    };

    const { seen } = await record(
      {
        A: task({
          Retry: [
            { ErrorEquals: ['Orchestra.Permanent'], MaxAttempts: 0 },
            { ErrorEquals: ['States.ALL'], MaxAttempts: 2 },
          ],
        }),
      },
      { A: fails },
      { A: 3 },
    );

    expect(seen).toEqual(['A RUNNING 1', 'A FAILED 1 Orchestra.Permanent']);
  });
});
