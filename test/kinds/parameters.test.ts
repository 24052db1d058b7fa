/** Step parameters: passed as they are in the step event or ORCHESTRA_PARAMETERS; keys Step Functions would read as paths are refused. */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../lib/compiler';
import { validateGraphText } from '../../lib/graph';
import type { PipelineGraph } from '../../lib/graph/schema';

const parameters = { column: 'fault', nested: { list: [1, { deep: true }] } };

describe('step parameters', () => {
  it('reach Lambda and simulate steps in their event, container steps as ORCHESTRA_PARAMETERS', () => {
    const graph: PipelineGraph = {
      name: 'p',
      steps: {
        fn: { kind: 'lambda', handler: 'functions/simulate-step/index.ts', parameters },
        sim: { kind: 'simulate', parameters },
        box: { kind: 'container', image: 'public.ecr.aws/docker/library/busybox:latest', parameters },
        plain: { kind: 'simulate' },
      },
    };
    const { States } = compileGraph(graph).definition;
    const all = JSON.stringify(States);
    expect(all).toContain(`"parameters":${JSON.stringify(parameters)}`);
    expect(all).toContain(`{"Name":"ORCHESTRA_PARAMETERS","Value":${JSON.stringify(JSON.stringify(parameters))}}`);
    expect(all.match(/"parameters":/g)).toHaveLength(2);
  });

  it('refuses a key ending in ".$" at any depth, naming the step', () => {
    const issues = validateGraphText(JSON.stringify({ name: 'p', steps: { sim: { kind: 'simulate', parameters: { a: { 'b.$': '$.x' } } } } })).issues;
    expect(issues.filter((found) => found.severity === 'error').map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'steps.sim.parameters', message: expect.stringContaining('must not end in ".$"') },
    ]);
  });
});
