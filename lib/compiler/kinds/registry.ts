/** The registry of step kinds, compiler side (see specs.ts for adding a kind). */
import type { Step, StepKind, StepsByKind } from '../../graph/schema';
import { containerCompile } from './container';
import { lambdaCompile } from './lambda';
import { pipelineCompile } from './pipeline';
import { serviceCompile } from './service';
import { simulateCompile } from './simulate';
import type { CompileKind, StepBuildContext, TaskParts } from './task';

/** How many items an inline forEach is planned for without `maxItems` (lib/compiler/limits.ts says why). */
export const DEFAULT_INLINE_MAX_ITEMS = 100;

const COMPILE_KINDS: { readonly [K in StepKind]: CompileKind<StepsByKind[K]> } = {
  lambda: lambdaCompile,
  container: containerCompile,
  simulate: simulateCompile,
  service: serviceCompile,
  pipeline: pipelineCompile,
};

// The kind is passed beside the step so TypeScript can correlate the registry entry with the step type.
const buildFor = <K extends StepKind>(kind: K, context: StepBuildContext<StepsByKind[K]>): TaskParts => COMPILE_KINDS[kind].buildTask(context);
const resultBytesFor = <K extends StepKind>(kind: K, step: StepsByKind[K]): number => COMPILE_KINDS[kind].resultBytes(step);
const resultTypeFor = <K extends StepKind>(kind: K, step: StepsByKind[K], moduleOf: (projectPath: string) => string): string => COMPILE_KINDS[kind].resultType(step, moduleOf);

export const buildTask = (context: StepBuildContext): TaskParts => buildFor(context.step.kind, context);
/** What a distributed forEach step keeps: its map run's ARN and where the ResultWriter put the results. */
export const MAP_RUN_RESULT_BYTES = 512;

/** A step's result as the steps after it get it (TypeScript type text): per item for an inline forEach, the map run's pointer for a distributed one. */
export function resultTypeOf(step: Step, moduleOf: (projectPath: string) => string): string {
  const one = resultTypeFor(step.kind, step, moduleOf);
  const forEach = 'forEach' in step ? step.forEach : undefined;
  if (forEach === undefined) return one;
  if (forEach.manifest !== undefined) return '{ readonly mapRunArn: string; readonly results: unknown }';
  return `ReadonlyArray<${one}>`;
}

/** A step's result in the run state: one per item, as an array, for an inline forEach; a pointer for a distributed one. */
export function resultBytesOf(step: Step): number {
  const one = resultBytesFor(step.kind, step);
  const forEach = 'forEach' in step ? step.forEach : undefined;
  if (forEach === undefined) return one;
  if (forEach.manifest !== undefined) return MAP_RUN_RESULT_BYTES;
  return 2 + (forEach.maxItems ?? DEFAULT_INLINE_MAX_ITEMS) * (one + 1);
}
export type { TaskParts } from './task';
