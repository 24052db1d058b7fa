/** The typed ASL model: one walker, checked parsing, and the render metadata the limits read. */
import { describe, expect, it } from 'vitest';
import { checkDefinition, compileGraph, DefinitionShapeError, parseDefinition, walkStates } from '../../lib/compiler';
import { simulateGraph } from '../helpers/graphs';

describe('walkStates', () => {
  it('visits nested Parallel branches and Map item processors, each state once, with its JSON path', () => {
    const definition = checkDefinition(
      {
        StartAt: 'P',
        States: {
          P: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }], Next: 'M' },
          M: { Type: 'Map', ItemProcessor: { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }, End: true },
        },
      },
      'test',
    );

    expect([...walkStates(definition)].map(({ name, path }) => [name, path])).toEqual([
      ['P', 'States.P'],
      ['A', 'States.P.Branches[0].States.A'],
      ['M', 'States.M'],
      ['B', 'States.M.ItemProcessor.States.B'],
    ]);
  });
});

describe('parseDefinition', () => {
  it('fails when a committed definition is not JSON, naming the file and the fix', () => {
    expect(() => parseDefinition('{"StartAt": ', 'state-machines/x.asl.json')).toThrow(/state-machines\/x\.asl\.json: not JSON .*npx orchestra build/);
  });

  it('fails when states lack a Type, naming the JSON path', () => {
    const attempt = () => parseDefinition(JSON.stringify({ StartAt: 'A', States: { A: { Next: 'B' } } }), 'x.asl.json');

    expect(attempt).toThrow(DefinitionShapeError);
    expect(attempt).toThrow(/\$\.States\.A\.Type/);
  });

  it('fails on prototype-named fields without polluting objects', () => {
    const attempt = () => parseDefinition('{"StartAt":"A","States":{"__proto__":{"Type":"Pass","End":true}}}', 'x.asl.json');

    expect(attempt).not.toThrow(TypeError);
    expect(({} as Record<string, unknown>)['Type']).toBeUndefined();
  });
});

describe('render metadata', () => {
  it('leaves failure-path states out of the per-run transitions, whatever the step descriptions say', () => {
    const graph = simulateGraph({ a: [], b: ['a'] });
    graph.steps['a'] = { kind: 'simulate', onFailure: 'continue', description: 'failed; skipped: looks like a side state' };

    const { stats } = compileGraph(graph);

    // Prepare run, a, "b: check dependencies", b, "Check step failures", Done — not "a: failed", "b: skipped",
    // "b: failed", "Summarise step failures" or "Steps failed".
    expect(stats.states).toBe(11);
    expect(stats.transitionsPerRun).toBe(6);
  });
});
