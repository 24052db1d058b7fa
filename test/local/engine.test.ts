/** The adapter's guards around aws-local-stepfunctions. */

import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../lib/compiler';
import { type AnyDefinition, checkDefinition } from '../../lib/compiler/asl';
import { substitute } from '../../lib/contract/placeholders';
import { LOCAL_MAX_TASK_SECONDS, localCompatibilityProblems, prepareMachine, startExecution, type TaskHandler, UnsupportedDefinitionError } from '../../lib/local/engine/engine';
import { defined } from '../../lib/shared/defined';
import { fakeSubstitutions } from '../helpers/asl';
import { fanOutIn, simulateGraph } from '../helpers/graphs';

const task = (extra: Record<string, unknown> = {}) =>
  Object.fromEntries(
    Object.entries({ Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:f', TimeoutSeconds: 5, End: true, ...extra }).filter(([, v]) => v !== undefined),
  );
const machine = (states: Record<string, unknown>): AnyDefinition => checkDefinition({ StartAt: defined(Object.keys(states)[0]), States: states }, 'test definition');

describe('local engine adapter', () => {
  it('refuses what the interpreter would silently run differently from AWS', () => {
    const definition = machine({
      A: task({ TimeoutSeconds: undefined, HeartbeatSeconds: 10, Next: 'B', End: undefined }),
      B: { Type: 'Pass', Assign: { x: 1 }, Next: 'C' },
      C: task({ Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken' }),
    });

    expect(localCompatibilityProblems(definition, new Set(['A']))).toEqual([
      'States.B: "Assign" (variables) is ignored locally',
      'States.A: HeartbeatSeconds without .waitForTaskToken is ignored locally',
      'States.C: no local handler for this Task (it would call AWS Lambda)',
    ]);
    expect(() => prepareMachine(definition, new Set(['A']))).toThrow(UnsupportedDefinitionError);
  });

  it('refuses a Parallel state with more branches than the interpreter runs at once', () => {
    const branches = Array.from({ length: 41 }, (_, i) => ({ StartAt: `T${i}`, States: { [`T${i}`]: task() } }));

    expect(localCompatibilityProblems(machine({ P: { Type: 'Parallel', Branches: branches, End: true } }), new Set(branches.map((_, i) => `T${i}`)))).toEqual([
      'States.P: 41 branches, but the local interpreter runs at most 40 at once',
    ]);
  });

  it('aborts: running handlers see their signal fire and retries do not call them again', async () => {
    let calls = 0;
    let sawAbort = false;
    const handler: TaskHandler = ({ signal }) => {
      calls++;
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(new Error('stopped'));
        }),
      );
    };
    const prepared = prepareMachine(machine({ A: task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 5, IntervalSeconds: 1 }] }) }), new Set(['A']));
    const execution = startExecution(prepared, {}, { name: 'r1', handlers: { A: handler } });

    await new Promise((resolve) => setTimeout(resolve, 20));
    execution.abort('test');
    const outcome = await execution.result;
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(outcome).toEqual({ status: 'ABORTED', error: 'Orchestra.Aborted', cause: 'test' });
    expect(sawAbort).toBe(true);
    expect(calls).toBe(1);
  });

  it("fires the attempt's signal at the Task's TimeoutSeconds and fails the run with States.Timeout", async () => {
    let timedOut = false;
    const handler: TaskHandler = ({ signal }) =>
      new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          timedOut = true;
          reject(new Error('killed'));
        }),
      );
    const prepared = prepareMachine(machine({ A: task({ TimeoutSeconds: 1 }) }), new Set(['A']));

    const outcome = await startExecution(prepared, {}, { name: 'r2', handlers: { A: handler } }).result;

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(timedOut).toBe(true);
  });

  it('reports the error name and cause a handler threw', async () => {
    const handler: TaskHandler = async () => {
      throw Object.assign(new Error('bad input'), { name: 'Orchestra.Permanent' });
    };
    const prepared = prepareMachine(machine({ A: task() }), new Set(['A']));

    const outcome = await startExecution(prepared, {}, { name: 'r3', handlers: { A: handler } }).result;

    expect(outcome).toEqual({ status: 'FAILED', error: 'Orchestra.Permanent', cause: 'bad input' });
  });
});

describe('Tasks without TimeoutSeconds', () => {
  it('run without the 60 s limit the interpreter would silently apply (AWS gives them none), up to the longest timer Node holds', () => {
    const definition = machine({ A: task({ TimeoutSeconds: undefined }) });

    const prepared = prepareMachine(definition, new Set(['A']));

    expect(localCompatibilityProblems(definition, new Set(['A']))).toEqual([]);
    expect(prepared.timeouts.get('A')).toBe(LOCAL_MAX_TASK_SECONDS);
    expect(LOCAL_MAX_TASK_SECONDS * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(definition.States['A']?.['TimeoutSeconds']).toBeUndefined();
  });
});

describe('attempts the interpreter stops awaiting', () => {
  it('leave no unhandled rejection behind when the Task times out and the run ends (the process would exit)', async () => {
    const rejections: unknown[] = [];
    const record = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', record);
    try {
      const definition = machine({ A: task({ TimeoutSeconds: 1 }) });
      const outcome = await startExecution(prepareMachine(definition, new Set(['A'])), {}, { name: 'r', handlers: { A: () => new Promise<never>(() => undefined) } }).result;
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});

describe('state events of nested Parallels (patches/aws-local-stepfunctions)', () => {
  it('reports every state of a 200-branch fan-out nested three deep, in order', async () => {
    const graph = simulateGraph(fanOutIn(200), {}, 'fan');
    const compiled = compileGraph(graph);
    const definition = checkDefinition(JSON.parse(substitute(compiled.text, fakeSubstitutions(compiled))), 'fan');
    const ids = Object.keys(graph.steps);
    const prepared = prepareMachine(definition, new Set(ids));
    const execution = startExecution(prepared, {}, { name: 'r', handlers: Object.fromEntries(ids.map((id) => [id, async () => ({ ok: true })])) });

    const entered: string[] = [];
    const exited: string[] = [];
    for await (const event of execution.events) {
      if (event.stateType !== 'Task') continue;
      if (event.type === 'entered') entered.push(event.state);
      if (event.type === 'exited') exited.push(event.state);
    }

    expect((await execution.result).status).toBe('SUCCEEDED');
    // Before the patch, events still being forwarded when a branch ended were dropped: 10 of 202 entered.
    expect(entered.sort()).toEqual([...ids].sort());
    expect(exited.sort()).toEqual([...ids].sort());
  });
});
