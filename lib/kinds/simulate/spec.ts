/** The built-in step for demos, tests and benchmarks: one shared function (functions/simulate-step). */
import type { StepKindSpec } from '../spec';
import { simulateStepSchema } from './schema';

export const simulateKind: StepKindSpec<typeof simulateStepSchema> = { schema: simulateStepSchema, diagramShape: ['([', '])'] };
