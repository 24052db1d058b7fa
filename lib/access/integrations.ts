/**
 * What a pipeline's state machine calls to run each step's Task — invoke its function, run its ECS
 * task, start its child pipeline — and the statements that allow exactly those calls. The stack grants
 * them with its ARN tokens (lib/cdk/pipeline.ts); the local runtime decides each Task with local ARNs
 * before running it (lib/local/endpoints/step-identities.ts), so a step the grants forgot fails locally as it
 * would on AWS. Raw ASL gets no automatic IAM, so this list is the only place these grants come from.
 */
import type { PipelineGraph, Step } from '../graph/schema';
import type { AuthorizationRequest } from './evaluate';
import type { StatementSpec } from './statements';
import { reusedStepsOf } from './step-reuse';

/** The ARNs a deployment (or the local runtime) gives what the Tasks call. */
export interface IntegrationArns {
  /** The function a step's Task invokes: its own, or the shared simulate or service-call function. */
  function(stepId: string, step: Step): string;
  /** A container step's task definition. */
  taskDefinition(stepId: string): string;
  /** A pipeline's state machine (a `pipeline` step's child). */
  stateMachine(pipeline: string): string;
  /** Orchestra's step-reuse function, which the states around a reused step call. */
  readonly stepReuse: string;
}

/** The call the states around a reused step make (lib/compiler/reuse.ts). */
export const reuseCallOf = (arns: IntegrationArns): AuthorizationRequest => ({ action: 'lambda:InvokeFunction', resource: arns.stepReuse });

/** The call a step's Task makes, as IAM names it. */
export function taskCallOf(stepId: string, step: Step, arns: IntegrationArns): AuthorizationRequest {
  switch (step.kind) {
    case 'container':
      return { action: 'ecs:RunTask', resource: arns.taskDefinition(stepId) };
    case 'pipeline':
      return { action: 'states:StartExecution', resource: arns.stateMachine(step.pipeline) };
    default:
      return { action: 'lambda:InvokeFunction', resource: arns.function(stepId, step) };
  }
}

/** One statement per action, allowing each Task's call and nothing else. */
export function taskCallStatements(graph: PipelineGraph, arns: IntegrationArns): StatementSpec[] {
  const byAction = new Map<string, Set<string>>();
  for (const [stepId, step] of Object.entries(graph.steps)) {
    const call = taskCallOf(stepId, step, arns);
    const resources = byAction.get(call.action) ?? new Set<string>();
    resources.add(call.resource);
    byAction.set(call.action, resources);
  }
  if (reusedStepsOf(graph).length > 0) {
    const call = reuseCallOf(arns);
    byAction.set(call.action, (byAction.get(call.action) ?? new Set<string>()).add(call.resource));
  }
  return [...byAction].map(([action, resources]) => ({ effect: 'Allow', actions: [action], resources: [...resources] }));
}
