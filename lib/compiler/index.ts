export { type ResolvedStep, resolveStep } from '../graph/resolve-step';
export { CONTAINER_NAME } from '../kinds/container/schema';
export * from './asl';
export { type CompiledPipeline, type CompileOptions, compileGraph, type Planner, planInputOf, renderText } from './compile';
export { MAX_DEFINITION_BYTES, MAX_HISTORY_EVENTS } from './limits';
export * from './names';
export { type Block, MAX_PARALLEL_BRANCHES, planMakespan, stepsOf } from './plan/blocks';
export { planByLevels } from './plan/levels';
export { type PlanInput, planSeriesParallel } from './plan/series-parallel';
