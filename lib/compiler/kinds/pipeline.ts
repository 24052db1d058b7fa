import { ref, stateMachinePlaceholder } from '../../contract/placeholders';
import { PIPELINE_RUN_SOURCE } from '../../contract/step-event';
import type { PipelineStep } from '../../graph/schema';
import { bodyParameters } from './service';
import type { CompileKind, StepBuildContext } from './task';

export const START_EXECUTION_SYNC = 'arn:aws:states:::states:startExecution.sync:2';

/**
 * What the step keeps of the child execution: its run id, status and output. Step Functions'
 * answer also repeats the child's whole input, which the run state need not carry.
 */
export const PIPELINE_RESULT_BUDGET_BYTES = 4096;

const defaultInput = (keyed: boolean): Record<string, string> => (keyed ? { key: '{key}', inputs: '{inputs}' } : { input: '{input}' });

function childInput({ graph, id, step }: StepBuildContext<PipelineStep>) {
  const keyed = graph.trigger?.mode === 'keyed';
  return {
    ...bodyParameters(step.input ?? defaultInput(keyed)),
    source: PIPELINE_RUN_SOURCE,
    parent: { pipeline: graph.name, step: id, 'runId.$': '$$.Execution.Name' },
    // Links the two executions in the Step Functions console.
    'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id',
  };
}

/**
 * No execution name is given: Step Functions names the child, so a retry or a redrive of this step
 * starts a new run (a fixed name would be refused once the first child had ended).
 */
export const pipelineCompile: CompileKind<PipelineStep> = {
  buildTask: (context) => ({
    Resource: START_EXECUTION_SYNC,
    Parameters: { StateMachineArn: ref(stateMachinePlaceholder(context.step.pipeline)), Input: childInput(context) },
    ResultSelector: { pipeline: context.step.pipeline, 'runId.$': '$.Name', 'status.$': '$.Status', 'output.$': '$.Output' },
  }),
  /** DescribeExecution's Output is the child run's output as JSON text (null until it has one). */
  resultType: (step) => `{ readonly pipeline: ${JSON.stringify(step.pipeline)}; readonly runId: string; readonly status: string; readonly output: string | null }`,
  resultBytes: () => PIPELINE_RESULT_BUDGET_BYTES,
};
