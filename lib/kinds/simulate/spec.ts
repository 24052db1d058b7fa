/** The built-in step for demos, tests and benchmarks: one shared function (functions/simulate-step). */
import type { StepKindSpec } from '../spec';
import { SIMULATE_MEMORY_MIB, simulateStepSchema } from './schema';

export const simulateKind: StepKindSpec<typeof simulateStepSchema> = {
  schema: simulateStepSchema,
  defaults: {
    timeoutSeconds: 300,
    // The mean duration.
    estimatedSeconds: (step) => {
      const d = step.durationMs ?? 0;
      return (Array.isArray(d) ? (d[0] + d[1]) / 2 : d) / 1000;
    },
    memoryMiB: SIMULATE_MEMORY_MIB,
    runsOn: 'lambda',
  },
  diagramShape: ['([', '])'],
};
