/** The compiled ASL, with placeholders filled, runs as is on aws-local-stepfunctions. */

import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { refusedLocally } from '../../lib/cli/actions/compile';
import { compileGraph } from '../../lib/compiler';
import { checkDefinition } from '../../lib/compiler/asl';
import { substitute } from '../../lib/contract/placeholders';
import { loadGraphFile } from '../../lib/graph';
import type { PipelineGraph } from '../../lib/graph/schema';
import { defined } from '../../lib/shared/defined';
import { fakeSubstitutions } from '../helpers/asl';
import { fanOutIn, randomLayeredDag, simulateGraph } from '../helpers/graphs';
import { sharedWorkflowFiles } from '../helpers/shared';

interface StepEvent {
  step: string;
  runId: string;
  input: unknown;
  dependencies: Record<string, unknown>;
  simulate?: { durationMs?: number; failureRate?: number };
}

async function runLocally(graph: PipelineGraph, failing: ReadonlySet<string> = new Set()) {
  const compiled = compileGraph(graph);
  const definition = JSON.parse(substitute(compiled.text, fakeSubstitutions(compiled)));
  const log: string[] = [];
  const events: Record<string, StepEvent> = {};
  let running = 0;
  let maxRunning = 0;
  const handlers = Object.fromEntries(
    Object.keys(graph.steps).map((id) => [
      id,
      async (raw: unknown) => {
        const event = raw as StepEvent;
        events[id] = event;
        log.push(`start ${id}`);
        maxRunning = Math.max(maxRunning, ++running);
        await new Promise((resolve) => setTimeout(resolve, event.simulate?.durationMs ?? 0));
        running--;
        log.push(`end ${id}`);
        if (failing.has(id)) throw Object.assign(new Error(`${id} broke`), { name: 'Simulated.Failure' });
        return { uri: `s3://orchestra-data/runs/${event.runId}/${id}/out.json` };
      },
    ]),
  );
  const execution = new StateMachine(definition).run(
    { dataset: 'ingest/d1/' },
    {
      context: { Execution: { Name: 'run-1', Id: 'run-1' } },
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: Object.fromEntries(Object.keys(graph.steps).map((id) => [id, 1])) },
    },
  );
  try {
    return { output: (await execution.result) as { steps: Record<string, unknown> }, log, events, maxRunning, error: undefined };
  } catch (error) {
    return { output: undefined, log, events, maxRunning, error: error as Error & { cause?: unknown } };
  }
}

const edges = { a: [], b: ['a'], c: ['a'], d: ['b', 'c'], e: [] };

describe('compiled machines on the local interpreter', () => {
  it('runs every step once, after its dependencies, and collects results under $.steps', async () => {
    const { output, log, events } = await runLocally(simulateGraph(edges, { a: 20, b: 20, c: 20, d: 20, e: 20 }));

    expect(Object.keys(defined(output).steps).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const [id, deps] of Object.entries(edges)) {
      for (const dep of deps) expect(log.indexOf(`end ${dep}`)).toBeLessThan(log.indexOf(`start ${id}`));
    }
    expect(defined(events['d']).dependencies).toEqual({ b: { uri: 's3://orchestra-data/runs/run-1/b/out.json' }, c: { uri: 's3://orchestra-data/runs/run-1/c/out.json' } });
    expect(defined(events['a']).input).toEqual({ dataset: 'ingest/d1/' });
  });

  it('runs steps named like Object.prototype properties (constructor, toString…) once each, in order', async () => {
    const prototypeEdges = { constructor: [], toString: ['constructor'], hasOwnProperty: ['constructor'], valueOf: ['toString', 'hasOwnProperty'] };

    const { output, log } = await runLocally(simulateGraph(prototypeEdges, { constructor: 5, toString: 5, hasOwnProperty: 5, valueOf: 5 }));

    expect(Object.keys(defined(output).steps).sort()).toEqual(['constructor', 'hasOwnProperty', 'toString', 'valueOf']);
    expect(log.filter((line) => line.startsWith('start'))).toHaveLength(4);
    expect(log.indexOf('end toString')).toBeLessThan(log.indexOf('start valueOf'));
  });

  it('runs independent steps at the same time', async () => {
    const { maxRunning } = await runLocally(simulateGraph(edges, { a: 50, b: 50, c: 50, d: 50, e: 200 }));

    expect(maxRunning).toBeGreaterThanOrEqual(3);
  });

  it('with onFailure "continue", lets independent steps finish, skips dependents and fails the run with every error', async () => {
    const graph = simulateGraph(edges, { a: 1, b: 1, c: 1, d: 1, e: 50 });
    graph.steps['b'] = { ...defined(graph.steps['b']), onFailure: 'continue', retry: { maxAttempts: 1 } } as PipelineGraph['steps'][string];

    const { error, log } = await runLocally(graph, new Set(['b']));

    expect(log).toContain('end e');
    expect(log).not.toContain('start d');
    expect((defined(error).cause as Error).name).toBe('Orchestra.StepsFailed');
    expect(defined(error).message).toContain('b broke');
    expect(defined(error).message).toContain('Orchestra.DependencyFailed');
  });

  it('with the default policy, retries a failing step and then fails the run with its error', async () => {
    const graph = simulateGraph({ a: [] });

    const { error, log } = await runLocally(graph, new Set(['a']));

    expect(log.filter((line) => line === 'start a')).toHaveLength(3);
    expect(defined(error).message).toContain('a broke');
  });
});

describe('compile --target local', () => {
  it('finds nothing the local engine refuses in any compiled machine (generated graphs and the shared WfCommons workflows)', () => {
    const graphs: PipelineGraph[] = [
      simulateGraph(randomLayeredDag(600, 20, 3).edges, {}, 'random'),
      simulateGraph(fanOutIn(400), {}, 'fan'),
      ...sharedWorkflowFiles().map((file) => loadGraphFile(file).graph),
    ];
    for (const graph of graphs) expect(refusedLocally(compileGraph(graph).definition), graph.name).toEqual([]);
  });

  it('reports what the engine would refuse as an error naming the state', () => {
    const definition = checkDefinition({ StartAt: 'Stop', States: { Stop: { Type: 'Fail' } } }, 'test');

    expect(refusedLocally(definition)).toEqual([
      expect.objectContaining({ code: 'unsupported-locally', severity: 'error', message: expect.stringContaining('States.Stop: a Fail state without Error') }),
    ]);
  });
});
