/**
 * One stack with every feature at once — each step kind, a keyed trigger, service and pipeline steps,
 * forEach inline and distributed, tables, a schedule, an ingest trigger, a step's access — synthesized
 * under cdk-nag and the CloudFormation limits (issue 30: the parts were tested, never all together).
 */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { OrchestraStack } from '../../lib/cdk';
import { addSecurityChecks } from '../../lib/cdk/security-checks';
import type { PipelineGraph } from '../../lib/graph/schema';

const ROOT = join(import.meta.dirname, '..', '..');
const LIST = 'test/fixtures/functions/items/list.ts';
const ITEM = 'test/fixtures/functions/items/item.ts';

const everything: PipelineGraph = {
  name: 'everything',
  trigger: { ingestPrefix: 'ingest/everything/', mode: 'dataset', requiredFiles: ['a.csv'] },
  defaults: { retry: { maxAttempts: 2 }, timeoutSeconds: 120 },
  steps: {
    list: { kind: 'lambda', handler: LIST, tables: ['rows'], access: { read: ['reference/'], write: ['archive/{runId}/'], delete: ['runs/everything/{runId}/'] } },
    inline: { kind: 'lambda', handler: ITEM, dependsOn: ['list'], forEach: { from: 'list', items: 'items', maxConcurrency: 4 } },
    spread: { kind: 'lambda', handler: ITEM, dependsOn: ['list'], forEach: { from: 'list', manifest: 'list', toleratedFailurePercentage: 5 } },
    model: { kind: 'container', image: 'public.ecr.aws/docker/library/busybox:1.36', dependsOn: ['list'], local: { command: ['true'] } },
    fake: { kind: 'simulate', dependsOn: ['inline', 'spread', 'model'] },
    child: { kind: 'pipeline', pipeline: 'nightly', dependsOn: ['fake'] },
  },
};
const nightly: PipelineGraph = { name: 'nightly', trigger: { schedule: 'cron(0 2 * * ? *)', timezone: 'Europe/Paris' }, steps: { only: { kind: 'simulate' } } };
const observed: PipelineGraph = {
  name: 'observed',
  trigger: { mode: 'keyed', required: ['Alert'], optional: ['Aux'], optionalGraceSeconds: 60, expireAfterSeconds: 3600 },
  steps: { call: { kind: 'service', url: 'https://service.example.org/pipeline', awaitsDataItem: 'Product' } },
};

describe('a stack of every feature', () => {
  it('synthesizes clean under cdk-nag and the CloudFormation limits', () => {
    // As a lab's app does it: cdk-nag's rules and the CloudFormation limits on every stack.
    const app = new App();
    addSecurityChecks(app);
    const stack = new OrchestraStack(app, 'Everything', { pipelines: [everything, nightly, observed].map((graph) => pipelineFromGraph(graph, ROOT)), projectRoot: ROOT });
    const template = Template.fromStack(stack);

    expect(() => app.synth()).not.toThrow();
    for (const type of [
      'AWS::StepFunctions::StateMachine',
      'AWS::Lambda::Function',
      'AWS::ECS::TaskDefinition',
      'AWS::DynamoDB::Table',
      'AWS::Scheduler::Schedule',
      'AWS::Events::Rule',
      'AWS::ApiGateway::RestApi',
      'AWS::SNS::Topic',
    ])
      expect([type, Object.keys(template.findResources(type)).length > 0]).toEqual([type, true]);
    expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))).toHaveLength(3);
  });
});
