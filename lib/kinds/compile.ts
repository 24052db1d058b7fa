/** The registry of step kinds, compiler side (see specs.ts for adding a kind). */
import type { Step, StepKind, StepsByKind } from '../graph/schema';
import { containerCompile } from './container/compile';
import { lambdaCompile } from './lambda/compile';
import { pipelineCompile } from './pipeline/compile';
import { serviceCompile } from './service/compile';
import { simulateCompile } from './simulate/compile';
import type { CompileKind, StepBuildContext, TaskParts } from './task';

const COMPILE_KINDS: { readonly [K in StepKind]: CompileKind<StepsByKind[K]> } = {
  lambda: lambdaCompile,
  container: containerCompile,
  simulate: simulateCompile,
  service: serviceCompile,
  pipeline: pipelineCompile,
};

// The kind is passed beside the step so TypeScript can correlate the registry entry with the step type.
const buildFor = <K extends StepKind>(kind: K, context: StepBuildContext<StepsByKind[K]>): TaskParts => COMPILE_KINDS[kind].buildTask(context);
const estimateFor = <K extends StepKind>(kind: K, step: StepsByKind[K]): number => COMPILE_KINDS[kind].estimatedSeconds(step);
const resultBytesFor = <K extends StepKind>(kind: K, step: StepsByKind[K]): number => COMPILE_KINDS[kind].resultBytes(step);

export const buildTask = (context: StepBuildContext): TaskParts => buildFor(context.step.kind, context);
export const defaultTimeoutSeconds = (step: Step): number => COMPILE_KINDS[step.kind].defaultTimeoutSeconds;
export const defaultEstimatedSeconds = (step: Step): number => estimateFor(step.kind, step);
export const resultBytesOf = (step: Step): number => resultBytesFor(step.kind, step);
export type { TaskParts } from './task';
