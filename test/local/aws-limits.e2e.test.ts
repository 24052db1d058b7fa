/**
 * Where the local engine must fail as AWS does (measured in ../shared/asl-conformance): a Task result
 * over the 256 KiB payload quota is States.DataLimitExceeded, catchable, with AWS's Cause; and
 * States.StringSplit splits on each delimiter character and drops empty strings (patches/).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { checkDefinition } from '../../lib/compiler/asl';
import { prepareMachine, startExecution } from '../../lib/local/engine/engine';
import { cli } from '../helpers/cli';
import { startTestRuntime } from '../helpers/local-runtime';

const project = mkdtempSync(join(tmpdir(), 'orchestra-limits-'));
mkdirSync(join(project, 'functions', 'big'), { recursive: true });
writeFileSync(join(project, 'functions', 'big', 'index.ts'), "export const handler = async () => ({ table: 'x'.repeat(300_000) });\n");
afterAll(() => rmSync(project, { recursive: true, force: true }));

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:big';
/** A hand-written definition, shape-checked and prepared with handlers for `tasks`. */
const machineOf = (definition: unknown, tasks: ReadonlySet<string>) => prepareMachine(checkDefinition(definition, 'test'), tasks);
const CAUSE = `The state/task '${ARN}' returned a result with a size exceeding the maximum number of bytes service limit.`;

describe('AWS limits and intrinsics on the local engine', () => {
  it('fails a step that returns 300 KB with States.DataLimitExceeded and the Cause AWS gives', async () => {
    const runtime = await startTestRuntime([]);
    runtime.addPipeline(pipelineFromGraph({ name: 'big', steps: { big: { kind: 'lambda', handler: 'functions/big/index.ts', retry: { maxAttempts: 1 } } } }, project));
    try {
      const run = await runtime.waitForRun(runtime.startRun('big', { source: 'cli' }).runId);

      expect(run.status).toBe('FAILED');
      expect(run.error?.error).toBe('States.DataLimitExceeded');
      expect(run.steps['big']).toMatchObject({ status: 'FAILED', attempts: 1, error: { error: 'States.DataLimitExceeded' } });
      expect(run.error?.cause).toMatch(/^The state\/task 'arn:aws:lambda:us-east-1:000000000000:function:big-big' returned a result with a size exceeding/);
    } finally {
      await runtime.stop();
    }
  });

  it('drops a result no later step reads, so a chain of 100 KB results stays under the quota, and shows the largest state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-growing-'));
    const graph = join(dir, 'chain.graph.json');
    const big = (dependsOn: string[]) => ({ kind: 'simulate', output: 'x'.repeat(100_000), ...(dependsOn.length === 0 ? {} : { dependsOn }) });
    writeFileSync(graph, JSON.stringify({ name: 'chain', steps: { a: big([]), b: big(['a']), c: big(['b']) } }));

    const run = await cli('run', graph, '--json', '--data-dir', join(dir, 'data'), '--out', join(dir, 'out'));
    const summary = JSON.parse(run.stdout) as { status: string; largestPayload: { bytes: number; state: string; limit: number } };

    expect(summary.status).toBe('SUCCEEDED');
    // a and b after b, then b and c after c: a was dropped before c ran.
    expect(summary.largestPayload).toEqual({ bytes: expect.any(Number), state: expect.stringMatching(/^[bc]$/), limit: 262_144 });
    expect(summary.largestPayload.bytes).toBeGreaterThan(200_000);
    expect(summary.largestPayload.bytes).toBeLessThan(210_000);
    const text = await cli('run', graph, '--data-dir', join(dir, 'data2'), '--out', join(dir, 'out'));
    expect(text.stderr).toMatch(/Largest state: 20\d,\d{3} bytes \([bc]\) of the 262,144 AWS allows/);
  });

  it('fails a state whose output outgrows 256 KiB with States.DataLimitExceeded, as AWS does, and warns at compile time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-growing-'));
    const graph = join(dir, 'fan-in.graph.json');
    const big = (dependsOn: string[]) => ({ kind: 'simulate', output: 'x'.repeat(100_000), ...(dependsOn.length === 0 ? {} : { dependsOn }) });
    // d reads all three results, so the state must hold them together: 300 KB.
    writeFileSync(graph, JSON.stringify({ name: 'fanin', steps: { a: big([]), b: big(['a']), c: big(['b']), d: { kind: 'simulate', dependsOn: ['a', 'b', 'c'] } } }));

    const compiled = await cli('compile', graph);
    const run = await cli('run', graph, '--json', '--data-dir', join(dir, 'data'), '--out', join(dir, 'out'));
    const summary = JSON.parse(run.stdout) as { status: string; error: string; steps: Record<string, { status: string }> };

    expect(compiled.stderr).toMatch(/at its largest, the run state would hold about 30\d,\d{3} bytes/);
    expect(summary.status).toBe('FAILED');
    expect(summary.error).toBe("States.DataLimitExceeded: The state/task 'c' returned a result with a size exceeding the maximum number of bytes service limit.");
    expect(summary.steps['c']?.status).toBe('FAILED');
    expect(summary.steps['d']?.status).toBe('SKIPPED');
  });

  it('lets a Catch take a state output over the quota, as AWS does (patches/)', async () => {
    const machine = machineOf(
      {
        StartAt: 'Grow',
        States: {
          // Input and result are each under 256 KiB; the output holding both is not.
          Grow: {
            Type: 'Task',
            Resource: ARN,
            TimeoutSeconds: 5,
            ResultPath: '$.copy',
            Catch: [{ ErrorEquals: ['States.DataLimitExceeded'], ResultPath: null, Next: 'Handled' }],
            End: true,
          },
          Handled: { Type: 'Pass', Result: 'caught', End: true },
        },
      },
      new Set(['Grow']),
    );
    const outcome = await startExecution(machine, { blob: 'x'.repeat(150_000) }, { name: 'r', handlers: { Grow: async () => 'y'.repeat(150_000) } }).result;

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'caught' });
  });

  it('lets a Catch on States.DataLimitExceeded (or States.ALL) take it, with the Cause AWS gives', async () => {
    for (const caught of ['States.DataLimitExceeded', 'States.ALL']) {
      const machine = machineOf(
        {
          StartAt: 'Big',
          States: {
            Big: { Type: 'Task', Resource: ARN, TimeoutSeconds: 5, Catch: [{ ErrorEquals: [caught], Next: 'Handled' }], End: true },
            Handled: { Type: 'Pass', End: true },
          },
        },
        new Set(['Big']),
      );
      const outcome = await startExecution(machine, {}, { name: 'r', handlers: { Big: async () => 'x'.repeat(262_145) } }).result;

      expect(outcome).toEqual({ status: 'SUCCEEDED', output: { Error: 'States.DataLimitExceeded', Cause: CAUSE } });
    }
  });

  it('accepts a result of exactly 256 KiB', async () => {
    const machine = machineOf({ StartAt: 'T', States: { T: { Type: 'Task', Resource: ARN, TimeoutSeconds: 5, End: true } } }, new Set(['T']));
    // A JSON string of 262,142 characters is 262,144 bytes with its quotes.
    const outcome = await startExecution(machine, {}, { name: 'r', handlers: { T: async () => 'x'.repeat(262_142) } }).result;

    expect(outcome.status).toBe('SUCCEEDED');
  });

  it('fails a run whose input is over 256 KiB in its first state, as AWS does', async () => {
    const machine = machineOf({ StartAt: 'First', States: { First: { Type: 'Pass', End: true } } }, new Set());
    const outcome = await startExecution(machine, { blob: 'x'.repeat(262_144) }, { name: 'r', handlers: {} }).result;

    expect(outcome).toEqual({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: "The state/task 'First' returned a result with a size exceeding the maximum number of bytes service limit.",
    });
  });

  it('gives [] for a wildcard or slice path that matches nothing, as AWS does (patches/)', async () => {
    const machine = machineOf(
      { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'all.$': '$.items[*]', 'rest.$': '$.items[1:]', 'one.$': '$.items[0]' }, End: true } } },
      new Set(),
    );
    const outcome = await startExecution(machine, { items: [7] }, { name: 'r', handlers: {} }).result;
    const empty = await startExecution(machine, { items: [] }, { name: 'r2', handlers: {} }).result;

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { all: [7], rest: [], one: 7 } });
    expect(empty).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: expect.stringContaining("'$.items[0]'") });
  });

  it('refuses before the run what it would run differently: a Fail without Error', () => {
    const definition = checkDefinition({ StartAt: 'Stop', States: { Stop: { Type: 'Fail' } } }, 'test');

    expect(() => prepareMachine(definition, new Set())).toThrow(
      /States\.Stop: a Fail state without Error fails with no error on AWS, but with "FailStateError" locally — give it an Error/,
    );
  });

  it('fills in $$.State (Name, EnteredTime, RetryCount where a state can retry) and gives $$.Task only to callback Tasks (patches/)', async () => {
    const machine = machineOf(
      {
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: ARN,
            TimeoutSeconds: 5,
            Parameters: { 'retry.$': '$$.State.RetryCount', 'name.$': '$$.State.Name' },
            Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }],
            End: true,
          },
        },
      },
      new Set(['Work']),
    );
    const attempts: unknown[] = [];
    const outcome = await startExecution(
      machine,
      {},
      {
        name: 'r',
        retryDelayMs: 1,
        handlers: {
          Work: async ({ input }) => {
            attempts.push(input);
            if (attempts.length < 3) throw new Error('again');
            return null;
          },
        },
      },
    ).result;

    expect(outcome.status).toBe('SUCCEEDED');
    expect(attempts).toEqual([
      { retry: 0, name: 'Work' },
      { retry: 1, name: 'Work' },
      { retry: 2, name: 'Work' },
    ]);
    const look = await startExecution(
      machineOf({ StartAt: 'Look', States: { Look: { Type: 'Pass', Parameters: { 'context.$': '$$' }, End: true } } }, new Set()),
      {},
      { name: 'r', handlers: {} },
    ).result;
    expect(look).toMatchObject({ status: 'SUCCEEDED', output: { context: { State: { Name: 'Look', EnteredTime: expect.stringMatching(/^\d{4}-/) } } } });
    expect(look.status === 'SUCCEEDED' && JSON.stringify(look.output)).not.toContain('"Task"');
  });

  it("gives Parallel branches the execution's $$.Execution.Input and StartTime, not the branch's (patches/)", async () => {
    const machine = machineOf(
      {
        StartAt: 'Split',
        States: {
          Split: {
            Type: 'Parallel',
            Parameters: { branchInput: 'different' },
            Branches: [{ StartAt: 'Look', States: { Look: { Type: 'Pass', Parameters: { 'input.$': '$$.Execution.Input', 'start.$': '$$.Execution.StartTime' }, End: true } } }],
            End: true,
          },
        },
      },
      new Set(),
    );
    const outcome = await startExecution(machine, { run: 'input' }, { name: 'r', handlers: {} }).result;

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: [{ input: { run: 'input' }, start: expect.stringMatching(/^\d{4}-/) }] });
  });

  it('evaluates intrinsics as AWS does: MathAdd rounds, MathRandom takes fractional bounds, StringToJson of blank is null (patches/)', async () => {
    const machine = machineOf(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Pass',
            Parameters: {
              'sum.$': 'States.MathAdd($.a, $.b)',
              'negative.$': 'States.MathAdd($.c, 0)',
              'random.$': 'States.MathRandom($.low, $.high)',
              'blank.$': 'States.StringToJson($.blank)',
            },
            End: true,
          },
        },
      },
      new Set(),
    );
    const outcome = await startExecution(machine, { a: 1.49, b: 1.5, c: -2.5, low: 12.5, high: 13.4, blank: '  ' }, { name: 'r', handlers: {} }).result;

    // 1.49 + 1.5 -> 1 + 2; -2.5 rounds half up to -2; the bounds round to 13 and 13.
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { sum: 3, negative: -2, random: 13, blank: null } });
  });

  it('replaces the state with ResultPath "$", and evaluates an intrinsic in a Fail ErrorPath/CausePath (patches/)', async () => {
    const replaced = await startExecution(
      machineOf({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { status: 'incomplete' }, ResultPath: '$', End: true } } }, new Set()),
      { old: true },
      { name: 'r', handlers: {} },
    ).result;
    const failed = await startExecution(
      machineOf({ StartAt: 'F', States: { F: { Type: 'Fail', ErrorPath: "States.Format('{}', $.Error)", CausePath: "States.Format('cause: {}', $.Cause)" } } }, new Set()),
      { Error: 'Custom.Error', Cause: 'why' },
      { name: 'r', handlers: {} },
    ).result;

    expect(replaced).toEqual({ status: 'SUCCEEDED', output: { status: 'incomplete' } });
    expect(failed).toEqual({ status: 'FAILED', error: 'Custom.Error', cause: 'cause: why' });
  });

  it("reads TimeoutSecondsPath from the state's input, not the Task's Parameters (patches/)", async () => {
    const machine = machineOf(
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: ARN, TimeoutSecondsPath: '$.timeout', Parameters: { 'payload.$': '$.payload' }, End: true } } },
      new Set(['T']),
    );
    const outcome = await startExecution(machine, { timeout: 1, payload: null }, { name: 'r', handlers: { T: () => new Promise(() => undefined) } }).result;

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('formats objects and arrays in States.Format as AWS does (Java-style)', async () => {
    const machine = machineOf({ StartAt: 'F', States: { F: { Type: 'Pass', Parameters: { 'text.$': "States.Format('a={} b={} c={}', $.a, $.b, $.c)" }, End: true } } }, new Set());
    const outcome = await startExecution(machine, { a: { Arg1: 1, Arg2: [] }, b: ['x', { y: null }], c: 'plain' }, { name: 'r', handlers: {} }).result;

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { text: 'a={Arg1=1, Arg2=[]} b=[x, {y=null}] c=plain' } });
  });

  it('matches a Choice type test with false when the test fails, as AWS does (patches/)', async () => {
    const machine = machineOf(
      {
        StartAt: 'C',
        States: {
          C: {
            Type: 'Choice',
            Choices: [
              { Variable: '$.value', IsNull: false, Next: 'NotNull' },
              { Variable: '$.value', IsNull: true, Next: 'Null' },
            ],
            Default: 'Null',
          },
          NotNull: { Type: 'Pass', Result: 'not null', End: true },
          Null: { Type: 'Pass', Result: 'null', End: true },
        },
      },
      new Set(),
    );

    expect(await startExecution(machine, { value: 3 }, { name: 'a', handlers: {} }).result).toEqual({ status: 'SUCCEEDED', output: 'not null' });
    expect(await startExecution(machine, { value: null }, { name: 'b', handlers: {} }).result).toEqual({ status: 'SUCCEEDED', output: 'null' });
  });

  it('splits with States.StringSplit on each delimiter character and drops empty parts', async () => {
    const machine = machineOf(
      {
        StartAt: 'Split',
        States: {
          Split: {
            Type: 'Pass',
            Parameters: {
              'commas.$': "States.StringSplit(',,,,', ',')",
              'mixed.$': "States.StringSplit('a.b+c', '.+')",
              'subnets.$': "States.StringSplit('subnet-1,subnet-2', ',')",
            },
            End: true,
          },
        },
      },
      new Set(),
    );
    const outcome = await startExecution(machine, {}, { name: 'r', handlers: {} }).result;

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { commas: [], mixed: ['a', 'b', 'c'], subnets: ['subnet-1', 'subnet-2'] } });
  });
});
