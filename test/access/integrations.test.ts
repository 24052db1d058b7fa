/**
 * What a state machine calls to run each Task, and the statements allowing it (lib/access/integrations.ts):
 * every Task of every example pipeline is allowed by its own pipeline's statements, and only by them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../lib/access/evaluate';
import { taskCallOf, taskCallStatements } from '../../lib/access/integrations';
import { loadCatalogue, pipelineFromGraph } from '../../lib/catalogue';
import { StepIdentities, TaskCallDeniedError } from '../../lib/local/endpoints/step-identities';
import { localIntegrationArns } from '../../lib/local/engine/bindings';

const ROOT = join(import.meta.dirname, '..', '..');
const pipelines = loadCatalogue(ROOT);

describe("a state machine's calls to run its Tasks", () => {
  it('are each allowed by the statements of their own pipeline, for every example pipeline', () => {
    const kinds = new Set<string>();
    for (const source of pipelines) {
      const arns = localIntegrationArns(source.name);
      const statements = taskCallStatements(source.graph, arns);
      for (const [stepId, step] of Object.entries(source.graph.steps)) {
        kinds.add(step.kind);
        expect(evaluate(statements, taskCallOf(stepId, step, arns)), `${source.name}/${stepId}`).toBe('Allowed');
      }
    }
    expect([...kinds].sort()).toEqual(['container', 'lambda']);
  });

  it("name what each kind calls, and never another pipeline's step", () => {
    const graph = {
      name: 'mixed',
      steps: {
        fn: { kind: 'lambda' as const, handler: 'functions/x.ts' },
        box: { kind: 'container' as const, image: 'busybox' },
        child: { kind: 'pipeline' as const, pipeline: 'other' },
        fake: { kind: 'simulate' as const },
      },
    };
    const arns = localIntegrationArns('mixed');
    expect(Object.entries(graph.steps).map(([id, step]) => taskCallOf(id, step, arns))).toEqual([
      { action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:000000000000:function:mixed-fn' },
      { action: 'ecs:RunTask', resource: 'arn:aws:ecs:us-east-1:000000000000:task-definition/mixed-box:1' },
      { action: 'states:StartExecution', resource: 'arn:aws:states:us-east-1:000000000000:stateMachine:other' },
      { action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:000000000000:function:orchestra-simulate-step' },
    ]);
    const others = taskCallStatements({ name: 'elsewhere', steps: { fn: { kind: 'lambda', handler: 'functions/x.ts' } } }, localIntegrationArns('elsewhere'));
    expect(evaluate(others, taskCallOf('fn', graph.steps.fn, arns))).toBe('ImplicitlyDenied');
  });

  it('are checked by the local runtime before each Task, and a refusal fails as Step Functions names it', () => {
    const identities = new StepIdentities('orchestra-data');
    identities.update([pipelineFromGraph({ name: 'mixed', steps: { fn: { kind: 'lambda', handler: 'functions/x.ts' } } }, ROOT)]);
    expect(() => identities.checkTaskCall('mixed', 'fn')).not.toThrow();
    const denied = new TaskCallDeniedError('lambda:InvokeFunction', 'User: … is not authorized to perform: lambda:InvokeFunction');
    expect([denied.name, new TaskCallDeniedError('ecs:RunTask', '').name, new TaskCallDeniedError('states:StartExecution', '').name]).toEqual([
      'Lambda.AccessDeniedException',
      'ECS.AccessDeniedException',
      'StepFunctions.AccessDeniedException',
    ]);
  });
});
