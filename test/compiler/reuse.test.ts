/** The states the compiler puts around a reused step (lib/compiler/reuse.ts), and which steps get them. */
import { describe, expect, it } from 'vitest';
import { compileGraph, type StateMachineDefinition, walkStates } from '../../lib/compiler';
import { specDigestOf } from '../../lib/compiler/reuse';
import { codeIdentityPlaceholder, PLACEHOLDERS, ref } from '../../lib/contract/placeholders';
import { validateGraphText } from '../../lib/graph';
import type { PipelineGraph, Step } from '../../lib/graph/schema';
import { aslErrors } from '../helpers/asl';

const statesOf = (definition: StateMachineDefinition): Record<string, Record<string, unknown>> =>
  Object.fromEntries([...walkStates(definition)].map(({ name, state }) => [name, state]));

const graph = (steps: PipelineGraph['steps'], reuse = true): PipelineGraph => ({ name: 'r', defaults: { reuse }, steps });
type LambdaStep = Extract<Step, { kind: 'lambda' }>;
const lambda = (extra: Partial<LambdaStep> = {}): LambdaStep => ({ kind: 'lambda', handler: 'functions/a/index.ts', ...extra });

describe('reused steps in the compiled machine', () => {
  it('enters a reused step by its check, takes a reuse through a Pass, and saves after the step itself', () => {
    const compiled = compileGraph(graph({ a: lambda({ parameters: { n: 1 }, inputs: ['a.txt'] }), b: lambda({ dependsOn: ['a'] }) }));
    const states = statesOf(compiled.definition);

    expect(states['Prepare run']?.['Next']).toBe('a: reuse check');
    expect(states['a: reuse check']).toMatchObject({
      Type: 'Task',
      Resource: ref(PLACEHOLDERS.stepReuseFunction),
      Parameters: {
        action: 'check',
        pipeline: 'r',
        step: 'a',
        'runId.$': '$$.Execution.Name',
        'input.$': '$.input',
        dependencies: {},
        spec: expect.stringMatching(/^[0-9a-f]{64}$/),
        parameters: expect.stringMatching(/^[0-9a-f]{64}$/),
        code: ref(codeIdentityPlaceholder('a')),
        reads: [],
        inputs: ['a.txt'],
      },
      ResultPath: '$.steps.a',
      Next: 'a: reusable?',
    });
    expect(states['a: reusable?']).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.steps.a.reused', BooleanEquals: true, Next: 'a: reused' }], Default: 'a' });
    expect(states['a: reused']).toMatchObject({ Type: 'Pass', InputPath: '$.steps.a.result', ResultPath: '$.steps.a', Next: 'b: reuse check' });
    expect(states['a']).toMatchObject({ Type: 'Task', ResultPath: '$.steps.a', Next: 'a: save for reuse' });
    expect(states['a: save for reuse']).toMatchObject({
      Type: 'Task',
      Parameters: { action: 'save', step: 'a', 'result.$': '$.steps.a' },
      ResultPath: null,
      Next: 'b: reuse check',
    });
    expect(states['b: reuse check']?.['Parameters']).toMatchObject({ dependencies: { 'a.$': '$.steps.a' } });
    expect(states['b: save for reuse']).toMatchObject({ End: true });
    expect(aslErrors(compiled)).toEqual([]);
  });

  it('compiles to the bytes it always did without reuse', () => {
    const without = compileGraph(graph({ a: lambda() }, false));
    expect(Object.keys(statesOf(without.definition))).toEqual(['Prepare run', 'a']);
  });

  it('leaves out forEach steps and steps with effects elsewhere unless idempotent', () => {
    const compiled = compileGraph(
      graph({
        list: lambda(),
        each: lambda({ dependsOn: ['list'], forEach: { from: 'list', items: 'items' } }),
        tables: lambda({ tables: ['rows'] }),
        idempotent: lambda({ tables: ['rows'], idempotent: true }),
        writes: lambda({ access: { write: ['archive/'] } }),
      }),
    );
    const checks = Object.keys(statesOf(compiled.definition)).filter((name) => name.endsWith(': reuse check'));
    expect(checks.sort()).toEqual(['idempotent: reuse check', 'list: reuse check']);
  });

  it('keys the spec on what decides the result: a description or retry change keeps it, a handler or memory change does not', () => {
    const base = lambda({ memoryMiB: 512 });
    expect(specDigestOf({ ...base, description: 'new words', retry: { maxAttempts: 5 }, timeoutSeconds: 30 })).toBe(specDigestOf(base));
    expect(specDigestOf({ ...base, handler: 'functions/b/index.ts' })).not.toBe(specDigestOf(base));
    expect(specDigestOf({ ...base, memoryMiB: 1024 })).not.toBe(specDigestOf(base));
    // Parameters are a part of their own, so `orchestra why` names them.
    expect(specDigestOf({ ...base, parameters: { n: 2 } })).toBe(specDigestOf(base));
  });
});

describe('the graph rule on reuse', () => {
  it('refuses "reuse": true on a step that cannot be reused, naming the field, why, and the fix', () => {
    const { issues } = validateGraphText(
      JSON.stringify({
        name: 'r',
        steps: {
          notify: { kind: 'service', url: 'https://example.org/', reuse: true },
          rows: { kind: 'lambda', handler: 'functions/a/index.ts', tables: ['t'], reuse: true },
          fine: { kind: 'lambda', handler: 'functions/a/index.ts', tables: ['t'], reuse: true, idempotent: true },
        },
      }),
    );
    expect(issues.filter((i) => i.code === 'invalid-reuse').map((i) => [i.path, i.message, i.fix])).toEqual([
      [
        'steps.notify.reuse',
        'this step cannot be reused: a service step hands work to another service: say "idempotent": true if running it again changes nothing',
        'remove "reuse", or set it to false',
      ],
      ['steps.rows.reuse', 'this step cannot be reused: it writes "tables": say "idempotent": true if running it again changes nothing', 'remove "reuse", or set it to false'],
    ]);
  });
});
