/**
 * Invariant: any graph, valid or not, either yields validation issues or compiles to ASL that
 * asl-validator accepts — never another exception.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGraph, walkStates } from '../../lib/compiler';
import { validateGraphText } from '../../lib/graph';
import { aslErrors } from '../helpers/asl';

/** Includes names every plain object answers to, and "__proto__", which must be refused, never dropped. */
const stepId = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'run-model', 'x_1'), weight: 20 },
  { arbitrary: fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'valueOf'), weight: 4 },
  { arbitrary: fc.constantFrom('bad id', '', 'z', '__proto__'), weight: 1 },
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const common = {
  dependsOn: maybe(fc.array(stepId, { maxLength: 4 })),
  onFailure: maybe(fc.oneof({ arbitrary: fc.constantFrom('fail', 'continue'), weight: 10 }, { arbitrary: fc.constant('explode'), weight: 1 })),
  retry: maybe(
    fc.record({ maxAttempts: fc.integer({ min: 0, max: 5 }), intervalSeconds: fc.integer({ min: 1, max: 5 }), jitter: fc.constantFrom('full', 'none') }, { requiredKeys: [] }),
  ),
  timeoutSeconds: maybe(fc.integer({ min: 0, max: 2000 })),
};
const simulateArb = fc.record({
  kind: fc.constant('simulate'),
  ...common,
  durationMs: maybe(fc.oneof(fc.nat(5000), fc.tuple(fc.nat(100), fc.nat(100)), fc.constant('slow'))),
  failureRate: maybe(fc.double({ min: -0.1, max: 1.1, noNaN: true })),
});
const containerArb = fc.record({
  kind: fc.constant('container'),
  ...common,
  image: fc.constantFrom('public.ecr.aws/x/y:1', './nowhere'),
  local: fc.constant({ command: ['true'] }),
});
const junkArb = fc.record({ kind: fc.constantFrom('lambda', 'lamda', 'container'), handler: fc.constant('functions/missing.ts'), extra: fc.nat() }, { requiredKeys: ['kind'] });
const stepArb = fc.oneof({ arbitrary: simulateArb, weight: 8 }, { arbitrary: containerArb, weight: 2 }, { arbitrary: junkArb, weight: 1 });
const graphArb = fc.record({
  name: fc.oneof({ arbitrary: fc.constant('fuzz'), weight: 10 }, { arbitrary: fc.constant('bad name'), weight: 1 }),
  steps: fc.dictionary(stepId, stepArb, { maxKeys: 8 }),
});

describe('compile fuzz', () => {
  it('never throws: random graphs are rejected with issues or compile to valid ASL', () => {
    let compiledCount = 0;
    fc.assert(
      fc.property(graphArb, (graph) => {
        const result = validateGraphText(JSON.stringify(graph));
        if (result.graph === undefined) {
          expect(result.issues.some((i) => i.severity === 'error')).toBe(true);
          return;
        }
        compiledCount++;
        const compiled = compileGraph(result.graph);
        expect(aslErrors(compiled)).toEqual([]);
        // Every step the graph declares is a Task of the machine: none dropped.
        const tasks = [...walkStates(compiled.definition)].filter(({ state }) => state.Type === 'Task').map(({ name }) => name);
        expect(tasks.sort()).toEqual(Object.keys(result.graph.steps).sort());
      }),
      { numRuns: 600, seed: 20261122 },
    );
    // The generator must also exercise the compiler, not only the validator.
    expect(compiledCount).toBeGreaterThan(20);
  });

  it('never throws on arbitrary JSON text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        expect(() => validateGraphText(text)).not.toThrow();
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
