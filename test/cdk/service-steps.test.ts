/** Service steps in the template: one shared function, its callback route, and who may answer task tokens — clean under cdk-nag, without cycles. */
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import type { PipelineGraph } from '../../lib/graph/schema';
import { actionsOf, checkedStack, statementsOf } from '../helpers/cdk-template';

const ROOT = join(import.meta.dirname, '..', '..');
const qpo: PipelineGraph = {
  name: 'QPO_ECL',
  trigger: { mode: 'keyed', required: ['EclTmVhfAlert'] },
  steps: { produce: { kind: 'service', url: 'https://qpo.example.org/pipeline', awaitsDataItem: 'QPO_ECL', heartbeatSeconds: 600 } },
};

describe('service steps in the stack', () => {
  let app: App;
  let template: Template;

  beforeAll(() => {
    ({ app, template } = checkedStack('Services', [pipelineFromGraph(qpo, ROOT), pipelineFromGraph({ name: 'plain', steps: { a: { kind: 'simulate' } } }, ROOT)]));
  });

  it('waits on a task token through one shared service-call function, with the heartbeat', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'Services-QPO_ECL' } });
    const machine = Object.values(machines)[0];
    const definition = JSON.parse(String(machine?.['Properties'].DefinitionString)) as { States: Record<string, Record<string, unknown>> };
    expect(definition.States['produce']).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', HeartbeatSeconds: 600, TimeoutSeconds: 86_400 });
    expect(machine?.['Properties'].DefinitionSubstitutions).toEqual({ ServiceCallFunctionArn: { 'Fn::GetAtt': [expect.stringMatching(/^ServiceCallsFunction/), 'Arn'] } });
  });

  it("gives the function the runs API's callback URL and lets it write waits, list the awaited item and answer only service pipelines", () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'service-call' } } } }))[0];
    expect(JSON.stringify(fn?.['Properties'].Environment.Variables.ORCHESTRA_CALLBACK_URL)).toContain('callbacks/');
    const statements = statementsOf(template, 'ServiceCallsFunction');
    expect(
      actionsOf(statements)
        .filter((action) => /^(s3|states):/.test(action))
        .sort(),
    ).toEqual(
      ['s3:GetObject', 's3:DeleteObject', 's3:ListBucket', 's3:ListBucket', 's3:PutObject', 'states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'].sort(),
    );
    const answers = statements.find((s) => actionsOf([s]).includes('states:SendTaskSuccess'));
    expect(JSON.stringify(answers?.Resource)).toContain(':stateMachine:Services-QPO_ECL');
    expect(JSON.stringify(answers?.Resource)).not.toContain('plain');
    expect(JSON.stringify(statements)).toContain('"s3:prefix":["data/QPO_ECL/*"]');
  });

  it('lets the conductor and the runs API answer waits too', () => {
    for (const role of ['KeyedTriggersConductor', 'RunsApiFunction'])
      expect(actionsOf(statementsOf(template, role))).toEqual(expect.arrayContaining(['states:SendTaskSuccess', 's3:DeleteObject']));
  });

  it('serves POST /callbacks/{callbackId} without IAM (the id is the credential); every other method keeps IAM', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{callbackId}' });
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const open = methods.filter((method) => method['Properties'].AuthorizationType === 'NONE');
    expect(open).toHaveLength(1);
    expect(open[0]?.['Properties']).toMatchObject({ HttpMethod: 'POST', RequestParameters: { 'method.request.path.callbackId': true } });
    expect(methods.filter((method) => method['Properties'].AuthorizationType !== 'AWS_IAM')).toHaveLength(1);
    template.hasResourceProperties('AWS::ApiGateway::Method', { AuthorizationType: 'AWS_IAM', HttpMethod: Match.anyValue() });
  });

  it('passes cdk-nag with the open callback route acknowledged', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
