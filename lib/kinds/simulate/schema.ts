import { z } from 'zod';
import { simulateSettingsShape } from '../../contract/simulate';
import { commonStepFields, forEachSchema } from '../step-fields';

/** The one simulate function's memory, deployed (lib/cdk/orchestra-stack.ts) and local alike. */
export const SIMULATE_MEMORY_MIB = 128;

export const simulateStepSchema = z
  .strictObject({
    kind: z.literal('simulate'),
    ...commonStepFields,
    forEach: forEachSchema.optional(),
    ...simulateSettingsShape,
  })
  .describe('A built-in step for demos, tests and benchmarks: waits, then fails with a set probability.');
