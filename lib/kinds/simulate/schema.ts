import { z } from 'zod';
import { simulateSettingsShape } from '../../contract/simulate';
import { commonStepFields, forEachSchema } from '../../graph/step-fields';

export const simulateStepSchema = z
  .strictObject({
    kind: z.literal('simulate'),
    ...commonStepFields,
    forEach: forEachSchema.optional(),
    ...simulateSettingsShape,
  })
  .describe('A built-in step for demos, tests and benchmarks: waits, then fails with a set probability.');
