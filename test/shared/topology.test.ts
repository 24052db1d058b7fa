import { describe, expect, it } from 'vitest';
import { defined } from '../../lib/shared/defined';
import { criticalPathLength, findCycles, topologicalOrder, weakComponents } from '../../lib/shared/topology';

const graphOf = (edges: Record<string, string[]>) => ({ ids: Object.keys(edges), predecessors: new Map(Object.entries(edges)) });

describe('topology', () => {
  it('orders steps after their dependencies, ties in document order', () => {
    expect(topologicalOrder(graphOf({ c: ['a'], a: [], b: [], d: ['c', 'b'] }))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('returns no order for a cyclic graph', () => {
    expect(topologicalOrder(graphOf({ a: ['b'], b: ['a'] }))).toBeUndefined();
  });

  it('finds one readable cycle per strongly connected component', () => {
    const cycles = findCycles(graphOf({ a: ['c'], b: ['a'], c: ['b'], x: ['y'], y: ['x'], z: [] }));

    expect(cycles).toEqual([
      ['a', 'b', 'c', 'a'],
      ['x', 'y', 'x'],
    ]);
  });

  it('handles a 20,000-step chain without overflowing the stack', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) edges[`s${i}`] = i === 0 ? [`s19999`] : [`s${i - 1}`];

    expect(findCycles(graphOf(edges))[0]).toHaveLength(20_001);
  });

  it('splits weakly connected components', () => {
    expect(
      weakComponents(
        ['a', 'b', 'c', 'd'],
        (id) => ({ b: ['a', 'x'], d: ['c'] })[id] ?? [],
        (id) => id !== 'x',
      ),
    ).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('computes the weighted critical path', () => {
    const weights: Record<string, number> = { a: 1, b: 5, c: 2, d: 1 };

    expect(criticalPathLength(graphOf({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }), (id) => defined(weights[id]))).toBe(7);
  });
});
