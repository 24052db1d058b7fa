/** A pipeline with forEach steps in the stack: the Map states deploy as compiled, and a Distributed Map gets the IAM raw ASL cannot infer. */
import { describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { PLACEHOLDERS, ref } from '../../lib/contract/placeholders';
import { actionsOf, checkedStack, statementsOf } from '../helpers/cdk-template';
import { ROOT } from '../helpers/local-runtime';

const pipeline = pipelineFromGraph(
  {
    name: 'tiles',
    steps: {
      list: { kind: 'lambda', handler: 'test/fixtures/functions/items/list.ts' },
      small: { kind: 'lambda', handler: 'test/fixtures/functions/items/item.ts', dependsOn: ['list'], forEach: { from: 'list', items: 'items' } },
      big: { kind: 'lambda', handler: 'test/fixtures/functions/items/item.ts', dependsOn: ['list'], forEach: { from: 'list', manifest: 'list', maxConcurrency: 50 } },
    },
  },
  ROOT,
);

describe('forEach steps in the stack', () => {
  const { app, template } = checkedStack('ForEach', [pipeline]);
  const statements = statementsOf(template, 'PipelinetilesStateMachineRole');
  const resources = (action: string) => JSON.stringify(statements.filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource));

  it('deploys the compiled Map states, the bucket filled into the ResultWriter', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const definition = JSON.parse(machine?.['Properties'].DefinitionString);
    const big = definition.States['Parallel: small, big'].Branches[1].States.big;
    expect(big).toMatchObject({ Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } }, ItemReader: { Resource: 'arn:aws:states:::s3:getObject' } });
    expect(big.ResultWriter.Parameters.Bucket).toBe(ref(PLACEHOLDERS.dataBucket));
    expect(JSON.stringify(machine?.['Properties'].DefinitionSubstitutions)).toContain('DataBucket');
  });

  it('lets the state machine start, follow and stop its own child executions, by name', () => {
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['states:StartExecution', 'states:DescribeExecution', 'states:StopExecution', 'states:DescribeMapRun']));
    expect(resources('states:StartExecution')).toContain(':stateMachine:ForEach-tiles"');
    expect(resources('states:DescribeExecution')).toContain(':execution:ForEach-tiles/*"');
    // A failed Map Run's items are redriven through their execution ARN, as CDK grants it (it was granted on mapRun ARNs: issue 30).
    expect(resources('states:RedriveExecution')).toContain(':execution:ForEach-tiles/*"');
    expect(resources('states:RedriveExecution')).not.toContain(':mapRun:');
    // By name: a reference to the state machine from its own policy would be a circular dependency.
    expect(resources('states:StartExecution')).not.toMatch(/"Ref":"PipelinetilesStateMachine/);
  });

  it("lets the Map read its list from the pipeline's folders and write results only under the step's results/", () => {
    expect(resources('s3:GetObject')).toContain('/runs/tiles/*');
    expect(resources('s3:PutObject')).toContain('/runs/tiles/*/big/results/*');
    expect(resources('s3:PutObject')).not.toContain('/small/results/');
  });

  it('passes cdk-nag', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
