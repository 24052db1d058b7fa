/** Pipeline steps in the template: the child's state machine by name, what startExecution.sync:2 needs, and the child's data items — clean under cdk-nag. */
import type { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import type { PipelineGraph } from '../../lib/graph/schema';
import { actionsOf, checkedStack, statementsOf } from '../helpers/cdk-template';
import { ROOT } from '../helpers/local-runtime';

const product: PipelineGraph = {
  name: 'QPO_ECL',
  trigger: { mode: 'keyed', required: ['EclTmVhfAlert'], optional: ['EclHk'] },
  steps: { produce: { kind: 'pipeline', pipeline: 'qpo-pipeline', input: { product: 'QPO_ECL', obs_id: '{key}', inputs: '{inputs}' }, publishes: 'QPO_ECL' } },
};
const provider: PipelineGraph = { name: 'qpo-pipeline', steps: { make: { kind: 'lambda', handler: 'test/fixtures/functions/make-product/index.ts' } } };

describe('pipeline steps in the stack', () => {
  let app: App;
  let template: Template;

  beforeAll(() => {
    ({ app, template } = checkedStack('Products', [pipelineFromGraph(product, ROOT), pipelineFromGraph(provider, ROOT)]));
  });

  it("substitutes the child's state machine ARN, by its name", () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'Products-QPO_ECL' } }))[0];
    expect(JSON.stringify(machine?.['Properties'].DefinitionSubstitutions)).toContain(':stateMachine:Products-qpo-pipeline');
  });

  it("lets the parent's state machine start the child, follow and stop its executions, and use the .sync events rule — no more", () => {
    const statements = statementsOf(template, 'PipelineQPOECLStateMachineRole');
    expect(
      actionsOf(statements)
        .filter((action) => /^(states|events):/.test(action))
        .sort(),
    ).toEqual(['events:DescribeRule', 'events:PutRule', 'events:PutTargets', 'states:DescribeExecution', 'states:StartExecution', 'states:StopExecution'].sort());
    const text = JSON.stringify(statements);
    expect(text).toContain(':stateMachine:Products-qpo-pipeline"');
    expect(text).toContain(':execution:Products-qpo-pipeline:*');
    expect(text).toContain('rule/StepFunctionsGetEventsForStepFunctionsExecutionRule');
  });

  it("lets the child's steps read the parent's input items and write the product it publishes", () => {
    const text = JSON.stringify(statementsOf(template, 'PipelineqpopipelineMakeFunctionRole'));
    expect(text).toContain('data/EclTmVhfAlert/*');
    expect(text).toContain('data/EclHk/*');
    expect(text).toContain('data/QPO_ECL/*');
    const writes = statementsOf(template, 'PipelineqpopipelineMakeFunctionRole').filter((s) => actionsOf([s]).includes('s3:PutObject'));
    expect(JSON.stringify(writes)).toContain('data/QPO_ECL/*');
    expect(JSON.stringify(writes)).not.toContain('EclTmVhfAlert');
  });

  it('passes cdk-nag', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
