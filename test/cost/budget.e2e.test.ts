/** A pipeline's budget per run (lib/cost/budget.ts): over it, the pipeline is refused where it loads, with the figures and the fix. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { OverBudgetError } from '../../lib/cost/budget';
import type { PipelineGraph } from '../../lib/graph/schema';
import { cli } from '../helpers/cli';

const fanOut = (usdPerRun: number): PipelineGraph => ({
  name: 'fan',
  budget: { usdPerRun },
  steps: {
    list: { kind: 'simulate' },
    each: {
      kind: 'lambda',
      handler: 'functions/each.ts',
      memoryMiB: 2048,
      estimatedDurationSeconds: 30,
      dependsOn: ['list'],
      forEach: { from: 'list', manifest: 'items', maxItems: 10_000 },
    },
  },
});

describe('budget per run', () => {
  it('loads a pipeline whose estimate is within its budget', () => {
    expect(pipelineFromGraph(fanOut(100), '/tmp').name).toBe('fan');
  });

  it('refuses one over it, naming the estimate, the budget, the costliest steps and what to change', () => {
    const refusal = (() => {
      try {
        pipelineFromGraph(fanOut(1), '/tmp');
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    expect(refusal).toBeInstanceOf(OverBudgetError);
    expect(String(refusal)).toMatch(/budget\.usdPerRun: a run of fan is estimated at \$\d+\.\d\d, over its budget of \$1\.00 \(most: each \$/);
    expect(String(refusal)).toContain('raise the budget; `orchestra cost fan` shows each step');
  });

  it('`orchestra validate` refuses a budget that is not a positive number of dollars, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-budget-'));
    const file = join(dir, 'fan.graph.json');
    writeFileSync(file, JSON.stringify({ name: 'fan', budget: { usdPerRun: -1 }, steps: { only: { kind: 'simulate' } } }));

    const { code, stderr } = await cli('validate', file);

    expect(code).toBe(1);
    expect(stderr).toContain('budget.usdPerRun');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('`orchestra run` refuses it before anything starts, exit 1, no stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-budget-'));
    const file = join(dir, 'fan.graph.json');
    writeFileSync(file, JSON.stringify({ ...fanOut(0.001), steps: { only: { kind: 'simulate', durationMs: 3_600_000 } } }));

    const { code, stderr } = await cli('run', file, '--data-dir', join(dir, 'data'));

    expect(code).toBe(1);
    expect(stderr).toMatch(/budget\.usdPerRun: a run of fan is estimated at \$\S+, over its budget of \$0\.00100/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
