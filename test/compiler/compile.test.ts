import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGraph, MAX_HISTORY_EVENTS, planInputOf, type StateMachineDefinition, walkStates } from '../../lib/compiler';
import { ERRORS } from '../../lib/contract/errors';
import { loadGraphFile } from '../../lib/graph';
import type { PipelineGraph } from '../../lib/graph/schema';
import { defined } from '../../lib/shared/defined';
import { criticalPathLength } from '../../lib/shared/topology';
import { aslErrors } from '../helpers/asl';
import { randomLayeredDag, simulateGraph } from '../helpers/graphs';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const allKinds = (): PipelineGraph => loadGraphFile(join(FIXTURES, 'graphs/valid/all-kinds.graph.json'), { rootDir: FIXTURES }).graph;

/** Every state of the machine, branches included, by name. */
const statesOf = (definition: StateMachineDefinition): Record<string, Record<string, unknown>> =>
  Object.fromEntries([...walkStates(definition)].map(({ name, state }) => [name, state]));

describe('compileGraph limits of single steps', () => {
  it('fails when a simulate output is bigger than a state may hold (256 KiB)', () => {
    const graph = simulateGraph({ big: [] });
    graph.steps['big'] = { kind: 'simulate', output: { data: 'x'.repeat(300_000) } };

    const { issues } = compileGraph(graph);

    expect(issues.filter((i) => i.severity === 'error').map((i) => [i.path, i.message])).toEqual([
      ['steps.big.output', "the output is 300,011 bytes; Step Functions caps a state's data at 262,144 (256 KiB)"],
    ]);
  });

  it('warns when retries alone could outlast the one-year execution limit', () => {
    const graph = simulateGraph({ patient: [] });
    graph.steps['patient'] = { kind: 'simulate', retry: { maxAttempts: 30, intervalSeconds: 3600, backoffRate: 2 } };

    const { issues } = compileGraph(graph);

    expect(issues.map((i) => [i.path, i.severity])).toContainEqual(['steps.patient.retry', 'warning']);
  });
});

describe('compileGraph', () => {
  it('produces ASL that asl-validator accepts, with one Task per step named after it', () => {
    const compiled = compileGraph(allKinds());
    const states = statesOf(compiled.definition);

    expect(aslErrors(compiled)).toEqual([]);
    const tasks = Object.entries(states)
      .filter(([, s]) => s['Type'] === 'Task')
      .map(([name]) => name);
    expect(tasks.sort()).toEqual(['after-leaf', 'hello', 'independent', 'leaf', 'model', 'other-root']);
  });

  it('sets TimeoutSeconds on every Task and keeps results under $.steps.<id>', () => {
    const states = statesOf(compileGraph(allKinds()).definition);

    for (const [name, state] of Object.entries(states).filter(([, s]) => s['Type'] === 'Task')) {
      expect(state['TimeoutSeconds']).toEqual(expect.any(Number));
      expect(state['ResultPath']).toBe(`$.steps.${name}`);
    }
    expect(defined(states['model'])['TimeoutSeconds']).toBe(900);
    expect(defined(states['hello'])['TimeoutSeconds']).toBe(60);
  });

  it('maps retry policies: maxAttempts counts the first try, permanent errors are not retried', () => {
    const states = statesOf(compileGraph(allKinds()).definition);

    expect(defined(states['hello'])['Retry']).toEqual([
      { ErrorEquals: [ERRORS.permanent], MaxAttempts: 0 },
      { ErrorEquals: ['States.ALL'], MaxAttempts: 1, MaxDelaySeconds: 30, JitterStrategy: 'FULL' },
    ]);
    expect(defined(states['leaf'])['Retry']).toBeUndefined();
  });

  it('uses $-brace placeholders for every resource so CDK and the local runtime can fill them', () => {
    const compiled = compileGraph(allKinds());

    expect(compiled.placeholders).toEqual([
      'DataBucketName',
      'EcsClusterArn',
      'LambdaFunctionArn_Hello',
      'SecurityGroupIds',
      'SimulateFunctionArn',
      'SubnetIds',
      'TaskDefinitionArn_Model',
    ]);
    expect(compiled.text).not.toMatch(/arn:aws:lambda|arn:aws:ecs/);
  });

  it('runs container steps with ecs:runTask.sync and passes dependencies through the environment', () => {
    const model = defined(statesOf(compileGraph(allKinds()).definition)['model']);

    expect(model).toMatchObject({
      Resource: 'arn:aws:states:::ecs:runTask.sync',
      Parameters: {
        Overrides: { ContainerOverrides: [{ Environment: expect.arrayContaining([{ Name: 'ORCHESTRA_DEPENDENCY_HELLO', 'Value.$': 'States.JsonToString($.steps.hello)' }]) }] },
      },
    });
  });

  it('routes "continue" failures to $.failed, skips dependents and fails the run at the end', () => {
    const states = statesOf(compileGraph(allKinds()).definition);

    expect(defined(states['leaf'])['Catch']).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failed.leaf', Next: 'leaf: failed' }]);
    expect(states['after-leaf: check dependencies']).toMatchObject({ Type: 'Choice', Default: 'after-leaf' });
    expect(states['after-leaf: skipped']).toMatchObject({ Type: 'Pass', ResultPath: '$.failed.after-leaf' });
    expect(states['Steps failed']).toMatchObject({ Type: 'Fail', Error: 'Orchestra.StepsFailed' });
  });

  it('is deterministic: the same graph gives the same bytes', () => {
    expect(compileGraph(allKinds()).text).toBe(compileGraph(allKinds()).text);
  });

  it('keeps a series-parallel graph at its critical path', () => {
    const graph = simulateGraph({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'], e: [] }, { a: 1000, b: 3000, c: 1000, d: 1000, e: 4000 });
    const compiled = compileGraph(graph);

    expect(compiled.stats.planMakespanSeconds).toBe(compiled.stats.criticalPathSeconds);
    expect(compiled.stats.criticalPathSeconds).toBe(criticalPathLength(planInputOf(graph), planInputOf(graph).weight));
  });

  it('compiles a 1,500-step random DAG within every AWS limit', () => {
    const { edges, durationsMs } = randomLayeredDag(1500, 30, 42);
    const compiled = compileGraph(simulateGraph(edges, durationsMs, 'big'));

    expect(aslErrors(compiled)).toEqual([]);
    expect(compiled.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(compiled.stats.historyEventsPerRun).toBeLessThan(MAX_HISTORY_EVENTS);
  });

  it('compiles a 2,000-step random DAG to valid ASL and says clearly that it is over the 1 MB definition limit', () => {
    const { edges, durationsMs } = randomLayeredDag(2000, 40, 42);
    const compiled = compileGraph(simulateGraph(edges, durationsMs, 'big'));

    expect(aslErrors(compiled)).toEqual([]);
    expect(compiled.stats.historyEventsPerRun).toBeLessThan(MAX_HISTORY_EVENTS);
    const errors = compiled.issues.filter((i) => i.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(defined(errors[0]).message).toMatch(/^the deployed definition would be about [\d,]+ bytes once resource ARNs are filled in; AWS allows 1,048,576$/);
    expect(defined(errors[0]).fix).toMatch(/split the pipeline/);
  });

  it('reports, rather than emits silently, a graph over the per-run history limit', () => {
    const { edges, durationsMs } = randomLayeredDag(6000, 60, 1);
    const compiled = compileGraph(simulateGraph(edges, durationsMs, 'huge'));

    const errors = compiled.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => i.code)).toContain('limit-exceeded');
    expect(errors.map((i) => i.message).join('\n')).toMatch(/history events; AWS allows 25,000/);
  });
});
