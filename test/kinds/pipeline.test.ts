/** Pipeline steps: the Task the compiler writes, the mistakes validation names, and the checks across a set of pipelines. */
import { describe, expect, it } from 'vitest';
import { checkChildPipelines, pipelineFromGraph, withChildren } from '../../lib/catalogue';
import { compileGraph } from '../../lib/compiler';
import { ref, stateMachinePlaceholder } from '../../lib/contract/placeholders';
import { validateGraphText } from '../../lib/graph';
import type { PipelineGraph } from '../../lib/graph/schema';
import { localSubstitutions } from '../../lib/local/engine/bindings';
import { ROOT } from '../helpers/root';

const errorsOf = (graph: Record<string, unknown>) =>
  validateGraphText(JSON.stringify(graph))
    .issues.filter((i) => i.severity === 'error')
    .map(({ path, message }) => ({ path, message }));

const parent: PipelineGraph = {
  name: 'QPO_ECL',
  trigger: { mode: 'keyed', required: ['A'] },
  steps: { produce: { kind: 'pipeline', pipeline: 'qpo-ecl_pipeline', input: { product: 'QPO_ECL', obs_id: '{key}', nested: { run: '{runId}' } }, publishes: 'QPO_ECL' } },
};
const child: PipelineGraph = { name: 'qpo-ecl_pipeline', steps: { make: { kind: 'simulate' } } };

describe('a pipeline step, compiled', () => {
  it('starts the child with startExecution.sync:2, its input references as paths, naming the parent; keeps only run id, status and output', () => {
    const { definition, text } = compileGraph(parent);
    expect(definition.States['produce']).toMatchObject({
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      TimeoutSeconds: 86_400,
      Parameters: {
        StateMachineArn: ref('StateMachineArn_qpo_decl__pipeline'),
        Input: {
          product: 'QPO_ECL',
          'obs_id.$': '$.input.key',
          nested: { 'run.$': '$$.Execution.Name' },
          source: 'pipeline',
          parent: { pipeline: 'QPO_ECL', step: 'produce', 'runId.$': '$$.Execution.Name' },
          'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id',
        },
      },
      ResultSelector: { pipeline: 'qpo-ecl_pipeline', 'runId.$': '$.Name', 'status.$': '$.Status', 'output.$': '$.Output' },
    });
    // No execution name: a retry or a redrive must be able to start the child again.
    expect(JSON.stringify(definition.States['produce'])).not.toContain('"Name');
    expect(localSubstitutions(parent, text, 'bucket')).toEqual({ StateMachineArn_qpo_decl__pipeline: 'arn:aws:states:us-east-1:000000000000:stateMachine:qpo-ecl_pipeline' });
  });

  it('passes the key and the input manifest by default in keyed pipelines, the run input otherwise', () => {
    const keyedInput = compileGraph({ ...parent, steps: { produce: { kind: 'pipeline', pipeline: 'c' } } }).definition.States['produce'];
    expect(keyedInput).toMatchObject({ Parameters: { Input: { 'key.$': '$.input.key', 'inputs.$': '$.input.inputs' } } });
    const plain = compileGraph({ name: 'p', steps: { run: { kind: 'pipeline', pipeline: 'c' } } }).definition.States['run'];
    expect(plain).toMatchObject({ Parameters: { Input: { 'input.$': '$.input' } } });
  });

  it('gives children with "-" and "_" in their names placeholders of their own', () => {
    expect(stateMachinePlaceholder('a-b')).not.toBe(stateMachinePlaceholder('a_b'));
    expect(stateMachinePlaceholder('a-b')).toMatch(/^[A-Za-z0-9_]+$/);
  });
});

describe('a pipeline step, validated', () => {
  it('names the field of each mistake: itself as child, "publishes" or "{key}" outside keyed pipelines, a reference in a list', () => {
    expect(
      errorsOf({
        name: 'p',
        steps: {
          self: { kind: 'pipeline', pipeline: 'p' },
          out: { kind: 'pipeline', pipeline: 'c', publishes: 'P', input: { obs: '{key}', list: ['{runId}'] } },
          bad: { kind: 'pipeline', pipeline: 'not a name' },
        },
      }),
    ).toEqual([
      { path: 'steps.self.pipeline', message: expect.stringContaining('cannot run itself') },
      { path: 'steps.out.publishes', message: expect.stringContaining('needs a key') },
      { path: 'steps.out.input.obs', message: expect.stringContaining('only known in keyed pipelines') },
      { path: 'steps.out.input.list[0]', message: expect.stringContaining('inside a list') },
      { path: 'steps.bad.pipeline', message: expect.stringContaining('letters, digits') },
    ]);
  });
});

describe('pipelines that run pipelines, as a set', () => {
  const load = (graph: PipelineGraph) => pipelineFromGraph(graph, ROOT);

  it('accepts a parent served beside its child', () => {
    expect(() => checkChildPipelines([load(parent), load(child)])).not.toThrow();
  });

  it('names a missing child with its step and a "did you mean"', () => {
    expect(() => checkChildPipelines([load(parent), load({ ...child, name: 'qpo-ecl_pipelin' })])).toThrow(
      /QPO_ECL: steps\.produce\.pipeline: no pipeline "qpo-ecl_pipeline" beside it — did you mean "qpo-ecl_pipelin"\?/,
    );
  });

  it('refuses pipelines that run each other', () => {
    const a: PipelineGraph = { name: 'a', steps: { go: { kind: 'pipeline', pipeline: 'b' } } };
    const b: PipelineGraph = { name: 'b', steps: { go: { kind: 'pipeline', pipeline: 'a' } } };
    expect(() => checkChildPipelines([load(a), load(b)])).toThrow('pipelines run each other: a → b → a');
  });

  it("brings a pipeline's children, and theirs, along for `orchestra run`", () => {
    const grandchild: PipelineGraph = { name: 'g', steps: { make: { kind: 'simulate' } } };
    const middle: PipelineGraph = { ...child, steps: { make: { kind: 'pipeline', pipeline: 'g' } } };
    const unrelated: PipelineGraph = { name: 'other', steps: { make: { kind: 'simulate' } } };
    expect(withChildren(load(parent), [load(middle), load(grandchild), load(unrelated)]).map((p) => p.name)).toEqual(['QPO_ECL', 'qpo-ecl_pipeline', 'g']);
  });
});
