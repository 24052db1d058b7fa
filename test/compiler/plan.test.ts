import { describe, expect, it } from 'vitest';
import { planInputOf } from '../../lib/compiler';
import { type Block, MAX_PARALLEL_BRANCHES, planMakespan, stepsOf } from '../../lib/compiler/plan/blocks';
import { planByLevels } from '../../lib/compiler/plan/levels';
import { planSeriesParallel } from '../../lib/compiler/plan/series-parallel';
import { defined } from '../../lib/shared/defined';
import { criticalPathLength } from '../../lib/shared/topology';
import { chain, type Edges, fanOutIn, randomLayeredDag, simulateGraph } from '../helpers/graphs';

function planOf(edges: Edges, durations: Record<string, number> = {}) {
  const input = planInputOf(simulateGraph(edges, durations));
  const plan = planSeriesParallel(input);
  return { plan, input, makespan: planMakespan(plan, input.weight), critical: criticalPathLength(input, input.weight) };
}

/** True when every dependency of the graph is honoured by the plan (dep finishes before the step starts). */
function respectsDependencies(plan: Block, edges: Edges): boolean {
  const position = new Map<string, { start: number; end: number }>();
  const walk = (block: Block, start: number): number => {
    if (block.type === 'step') {
      position.set(block.id, { start, end: start + 1 });
      return start + 1;
    }
    if (block.type === 'series') return block.blocks.reduce((at, b) => walk(b, at), start);
    return Math.max(...block.blocks.map((b) => walk(b, start)));
  };
  walk(plan, 0);
  return Object.entries(edges).every(([id, deps]) => deps.every((dep) => defined(position.get(dep)).end <= defined(position.get(id)).start));
}

describe('planSeriesParallel', () => {
  it('maps a chain to one series, in order', () => {
    const { plan } = planOf(chain(5));

    expect(plan).toEqual({ type: 'series', blocks: ['s0', 's1', 's2', 's3', 's4'].map((id) => ({ type: 'step', id })) });
  });

  it('maps a diamond exactly: a ; (b ∥ c) ; d', () => {
    const { plan, makespan, critical } = planOf({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] });

    expect(plan).toEqual({
      type: 'series',
      blocks: [
        { type: 'step', id: 'a' },
        {
          type: 'parallel',
          blocks: [
            { type: 'step', id: 'b' },
            { type: 'step', id: 'c' },
          ],
        },
        { type: 'step', id: 'd' },
      ],
    });
    expect(makespan).toBe(critical);
  });

  it('keeps the N shape at its critical path when one branch is long', () => {
    const edges = { a: [], b: [], c: ['a'], d: ['a', 'b'] };
    const { plan, makespan, critical } = planOf(edges, { a: 1000, b: 1000, c: 10_000, d: 1000 });

    expect(makespan).toBe(critical);
    expect(respectsDependencies(plan, edges)).toBe(true);
  });

  it('runs disconnected sub-graphs side by side', () => {
    const { plan } = planOf({ a: [], b: ['a'], x: [], y: ['x'] });

    expect(plan.type).toBe('parallel');
    expect(stepsOf(plan)).toEqual(['a', 'b', 'x', 'y']);
  });

  it(`nests wide fan-outs so no Parallel has more than ${MAX_PARALLEL_BRANCHES} branches`, () => {
    const { plan, makespan, critical } = planOf(fanOutIn(100));
    const widths: number[] = [];
    const visit = (b: Block): void => {
      if (b.type === 'step') return;
      if (b.type === 'parallel') widths.push(b.blocks.length);
      b.blocks.forEach(visit);
    };
    visit(plan);

    expect(Math.max(...widths)).toBeLessThanOrEqual(MAX_PARALLEL_BRANCHES);
    expect(stepsOf(plan)).toHaveLength(102);
    expect(makespan).toBe(critical);
  });

  it('never breaks a dependency and never does worse than level by level on random DAGs', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { edges, durationsMs } = randomLayeredDag(120, 12, seed);
      const { plan, makespan, critical, input } = planOf(edges, durationsMs);

      expect(respectsDependencies(plan, edges)).toBe(true);
      expect(stepsOf(plan).sort()).toEqual(Object.keys(edges).sort());
      expect(makespan / critical).toBeLessThan(1.25);
      expect(makespan).toBeLessThanOrEqual(planMakespan(planByLevels(input), input.weight));
    }
  });

  it('beats the level-by-level baseline on a graph with unequal branches', () => {
    const edges = { a: [], long: ['a'], short: ['a'], after: ['short'] };
    const durations = { a: 1000, long: 10_000, short: 1000, after: 1000 };
    const input = planInputOf(simulateGraph(edges, durations));

    expect(planMakespan(planSeriesParallel(input), input.weight)).toBe(11);
    expect(planMakespan(planByLevels(input), input.weight)).toBe(12);
  });

  it('is deterministic', () => {
    const { edges, durationsMs } = randomLayeredDag(200, 10, 7);

    expect(JSON.stringify(planOf(edges, durationsMs).plan)).toBe(JSON.stringify(planOf(edges, durationsMs).plan));
  });
});
