/** `orchestra cost <pipeline>`: the estimate of a catalogue pipeline, as a table and as JSON, with its prices' date and region. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';

const ROOT = join(import.meta.dirname, '..', '..');

describe('orchestra cost', () => {
  it('prints each step of the flood pipeline with what it uses, the total, the price table and the assumptions', async () => {
    const { code, stdout } = await cli('cost', join(ROOT, 'state-machines', 'flood.graph.json'));

    expect(code).toBe(0);
    expect(stdout).toMatch(/run-model\s+container\s+\$\S+\s+4 transitions, Fargate/);
    expect(stdout).toMatch(/total per run\s+\$\d/);
    expect(stdout).toContain('Prices: us-east-1, list prices of');
  });

  it('--json gives steps whose costs add up to the total; --items sets every forEach', async () => {
    const { code, stdout } = await cli('cost', join(ROOT, 'state-machines', 'nightly-catalogue.graph.json'), '--items', '10', '--json');
    const estimate = JSON.parse(stdout) as { steps: Array<{ step: string; usd: number; runs: number }>; orchestration: { usd: number }; totalUsd: number };

    expect(code).toBe(0);
    expect(estimate.steps.find((step) => step.step === 'recognise-peaks')?.runs).toBe(10);
    expect(estimate.steps.reduce((sum, step) => sum + step.usd, estimate.orchestration.usd)).toBeCloseTo(estimate.totalUsd, 12);
  });

  it("includes a pipeline step's child pipeline, found beside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-cost-'));
    writeFileSync(join(dir, 'kid.graph.json'), JSON.stringify({ name: 'kid', steps: { work: { kind: 'simulate', durationMs: 600_000 } } }));
    writeFileSync(join(dir, 'parent.graph.json'), JSON.stringify({ name: 'parent', steps: { child: { kind: 'pipeline', pipeline: 'kid' } } }));
    const cost = async (name: string) => JSON.parse((await cli('cost', join(dir, `${name}.graph.json`), '--json')).stdout) as { totalUsd: number; assumptions: string[] };

    const [kid, parent] = [await cost('kid'), await cost('parent')];

    expect(parent.totalUsd).toBeGreaterThan(kid.totalUsd);
    expect(parent.assumptions).toContain('child: includes a run of kid as its own estimate gives it');
  });

  it('refuses a malformed --items as a usage error', async () => {
    const { code, stderr } = await cli('cost', 'flood', '--items', 'many');

    expect([code, stderr]).toEqual([2, expect.stringContaining('--items')]);
  });
});
