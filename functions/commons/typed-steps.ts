/**
 * Step events typed from the graph. `orchestra build` writes `<name>.steps.d.ts` beside each graph,
 * filling in PipelineSteps with every step's dependencies and their result types (a Lambda
 * dependency's result is its handler's return type). A handler written with stepHandlerFor then sees
 * `event.dependencies` as exactly the steps it depends on: a misspelt or missing one fails `tsc`.
 */
import { PermanentStepError } from '../../lib/contract/errors';
import type { RunInput } from '../../lib/contract/step-event';
import { type ContainerStepContext, containerStep } from './container-step';
import { type StepTools, stepHandler } from './step-handler';

/**
 * Pipeline name → step id → the results of the steps it depends on, by step id. Empty here; the
 * declarations `orchestra build` writes (state-machines/<name>.steps.d.ts) add each pipeline.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging from the generated declarations.
export interface PipelineSteps {}

/** What a handler returns to the steps after it: its promise's value. */
export type StepResultOf<Handler> = Handler extends (...args: never[]) => Promise<infer Result> ? Result : unknown;

/** The pipelines the generated declarations know. */
export type PipelineName = keyof PipelineSteps & string;
/** The steps of pipeline P. */
export type StepName<P extends PipelineName> = keyof PipelineSteps[P] & string;

/** The event of step S of pipeline P: StepEvent with `dependencies` exactly as the graph declares them. */
export interface PipelineStepEvent<P extends PipelineName, S extends StepName<P>> {
  readonly pipeline: P;
  readonly step: S;
  readonly runId: string;
  readonly input: RunInput;
  readonly dependencies: PipelineSteps[P][S];
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly item?: unknown;
  readonly itemIndex?: number;
}

/**
 * The generated declarations promise these dependencies; the compiled state machine passes exactly
 * the graph's, so what is left to check at run time is that the handler runs as the step it was
 * written for.
 */
function assertRunsAs<P extends PipelineName, S extends StepName<P>>(
  pipeline: P,
  step: S,
  running: { readonly pipeline: string; readonly step: string },
  helper: string,
): asserts running is { readonly pipeline: P; readonly step: S; readonly dependencies: PipelineSteps[P][S] } {
  if (running.pipeline !== pipeline || running.step !== step) {
    throw new PermanentStepError(`this code is written for ${pipeline}/${step} (${helper}), but the graph runs it as ${running.pipeline}/${running.step}: give that step its own`);
  }
}

/** stepHandler for one step of one pipeline, its event typed from the graph. */
export function stepHandlerFor<P extends PipelineName, S extends StepName<P>, Output>(
  pipeline: P,
  step: S,
  fn: (event: PipelineStepEvent<P, S>, tools: StepTools) => Promise<Output>,
) {
  return stepHandler<Output>(async (event, tools) => {
    assertRunsAs(pipeline, step, event, 'stepHandlerFor');
    return fn(event, tools);
  });
}

/** The container step context of one step of one pipeline, its dependencies typed from the graph. */
export type PipelineContainerContext<P extends PipelineName, S extends StepName<P>> = Omit<ContainerStepContext, 'dependencies'> & { readonly dependencies: PipelineSteps[P][S] };

/** containerStep for one step of one pipeline, its dependencies typed from the graph. */
export function containerStepFor<P extends PipelineName, S extends StepName<P>, Result>(
  pipeline: P,
  step: S,
  fn: (context: PipelineContainerContext<P, S>) => Promise<Result>,
): Promise<void> {
  return containerStep((context) => {
    assertRunsAs(pipeline, step, context, 'containerStepFor');
    return fn(context);
  });
}
