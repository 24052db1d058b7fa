/**
 * The run state does not grow with the pipeline: a result stays in it only while a later step reads
 * it (or it is a leaf), so the largest state of a run is bounded by the results still needed at that
 * moment (lib/compiler/state-layout.ts). Runs the compiled ASL on the local engine with 150-byte
 * results over the shared WfCommons workflows (where ../shared is present) and generated graphs.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DROP_AFTER_RESULTS } from '../../lib/compiler/state-layout';
import { loadGraphFile } from '../../lib/graph';
import type { PipelineGraph } from '../../lib/graph/schema';
import { chain, fanOutIn, randomLayeredDag, simulateGraph } from '../helpers/graphs';
import { sharedWorkflowFiles } from '../helpers/shared';
import { measureStateSize } from '../helpers/state-size';

const RESULT_BYTES = 150;

function diamonds(count: number, width: number): PipelineGraph {
  const edges: Record<string, string[]> = {};
  for (let i = 0; i < count; i++) {
    edges[`fork${i}`] = i === 0 ? [] : [`join${i - 1}`];
    for (let w = 0; w < width; w++) edges[`m${i}_${w}`] = [`fork${i}`];
    edges[`join${i}`] = Array.from({ length: width }, (_, w) => `m${i}_${w}`);
  }
  return simulateGraph(edges, {}, 'diamonds');
}

const generated: Array<[string, PipelineGraph]> = [
  ['chain of 5,000', simulateGraph(chain(5000), {}, 'chain')],
  ['20 diamonds of 50', diamonds(20, 50)],
  ['fan-out/in of 1,000', simulateGraph(fanOutIn(1000), {}, 'fan')],
  ['random layered DAG of 1,000', simulateGraph(randomLayeredDag(1000, 32, 5).edges, {}, 'random')],
];

describe('the run state holds the results still needed, not every result', () => {
  it.each(generated)('%s', async (_, graph) => {
    const run = await measureStateSize(graph, RESULT_BYTES);

    expect(run.status).toBe('SUCCEEDED');
    // At most about twice the results still needed, plus one batch waiting to be dropped.
    expect(run.mostHeldBeyondTwiceNeeded).toBeLessThanOrEqual(DROP_AFTER_RESULTS);
  });

  it('the shared WfCommons workflows (all of them, where ../shared is present)', async () => {
    const files = sharedWorkflowFiles();
    const checked: string[] = [];
    for (const file of files) {
      const { graph } = loadGraphFile(file);
      const run = await measureStateSize(graph, RESULT_BYTES);
      expect(run.status, basename(file)).toBe('SUCCEEDED');
      expect(run.mostHeldBeyondTwiceNeeded, basename(file)).toBeLessThanOrEqual(DROP_AFTER_RESULTS);
      checked.push(file);
    }
    expect(checked).toEqual(files);
  });

  it('a chain five times longer holds a state no bigger', async () => {
    const short = await measureStateSize(simulateGraph(chain(1000), {}, 'chain'), RESULT_BYTES);
    const long = await measureStateSize(simulateGraph(chain(5000), {}, 'chain'), RESULT_BYTES);

    expect(long.mostResultsHeld).toBe(short.mostResultsHeld);
    expect(long.mostResultsHeld).toBeLessThanOrEqual(DROP_AFTER_RESULTS + 1);
    expect(long.largestStateBytes).toBeLessThan(short.largestStateBytes + 100);
  });
});
