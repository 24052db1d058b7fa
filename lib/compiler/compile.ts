/** Graph → ASL, pure: no AWS SDK, no aws-cdk-lib, no file system. */

import type { Issue } from '../contract/issues';
import { placeholdersIn } from '../contract/placeholders';
import { resolveStep } from '../graph/resolve-step';
import type { PipelineGraph } from '../graph/schema';
import { defined } from '../shared/defined';
import { criticalPathLength, topologicalOrder } from '../shared/topology';
import type { StateMachineDefinition } from './asl';
import { checkLimits, checkStepLimits, type MachineStats, machineStats } from './limits';
import { type Block, planMakespan } from './plan/blocks';
import { planByLevels } from './plan/levels';
import { type PlanInput, planSeriesParallel } from './plan/series-parallel';
import { renderDefinition, softFailingSteps } from './render';

export type Planner = 'series-parallel' | 'levels';

export interface CompileOptions {
  /** @default 'series-parallel' ('levels' is the naive baseline kept for the benchmark) */
  readonly planner?: Planner;
}

export interface CompiledPipeline {
  readonly definition: StateMachineDefinition;
  /** The exact bytes to commit and deploy. */
  readonly text: string;
  readonly plan: Block;
  /** `${...}` names to fill, sorted. */
  readonly placeholders: readonly string[];
  readonly stats: MachineStats & { readonly criticalPathSeconds: number; readonly planMakespanSeconds: number };
  /** AWS limit findings (errors mean the machine cannot be deployed as is). */
  readonly issues: readonly Issue[];
}

export function planInputOf(graph: PipelineGraph): PlanInput {
  const ids = Object.keys(graph.steps);
  return {
    ids,
    predecessors: new Map(ids.map((id) => [id, [...new Set(graph.steps[id]?.dependsOn ?? [])]])),
    weight: (id) => resolveStep(graph, defined(graph.steps[id], `step ${id}`)).estimatedSeconds,
  };
}

/** Above this, definitions are written without indentation: nesting makes indented text ~6x larger. */
export const PRETTY_PRINT_MAX_BYTES = 262_144;

/** Serialisation used for committed and deployed definitions: stable key order, 2-space indent when small. */
export function renderText(definition: StateMachineDefinition): string {
  const compact = `${JSON.stringify(definition)}\n`;
  // Indenting only adds: a definition whose compact text is over the limit is not indented (a big
  // graph's indented text, made and thrown away, was a sixth of its compile).
  if (compact.length > PRETTY_PRINT_MAX_BYTES) return compact;
  const pretty = `${JSON.stringify(definition, null, 2)}\n`;
  return pretty.length <= PRETTY_PRINT_MAX_BYTES ? pretty : compact;
}

/** `graph` must be valid (see validateGraphFile / loadGraphFile). */
export function compileGraph(graph: PipelineGraph, options: CompileOptions = {}): CompiledPipeline {
  const input = planInputOf(graph);
  const plan = options.planner === 'levels' ? planByLevels(input) : planSeriesParallel(input);
  const order = topologicalOrder(input) as string[];
  const rendered = renderDefinition(graph, plan, softFailingSteps(graph, order));
  const { definition } = rendered;
  const text = renderText(definition);
  const stats = machineStats(graph, rendered, text);
  return {
    definition,
    text,
    plan,
    placeholders: placeholdersIn(text),
    stats: { ...stats, criticalPathSeconds: criticalPathLength(input, input.weight), planMakespanSeconds: planMakespan(plan, input.weight) },
    issues: [...checkStepLimits(graph), ...checkLimits(stats)],
  };
}
