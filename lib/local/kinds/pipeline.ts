import type { PipelineStep } from '../../graph/schema';
import type { LocalKind } from '../task-runners';
import { runChildPipeline } from '../task-runners/child-run';

/** The child runs on the same embedded runtime, started and awaited through its Step Functions endpoint. */
export const pipelineLocal: LocalKind<PipelineStep> = {
  run: (context) => runChildPipeline(context.attempt.input, context.handlerEnvironment, context.attempt.signal),
  isProcess: false,
};
