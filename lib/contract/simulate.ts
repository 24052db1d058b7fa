/**
 * The settings of a `simulate` step: the graph schema uses these fields, the compiler writes them
 * into the Task Parameters as `simulate`, and functions/simulate-step reads them back (by type only:
 * a zod import would add ~450 KB to its bundle; the compiler wrote what the schema accepted).
 */
import { z } from 'zod';

const milliseconds = z.number().min(0).max(86_400_000);

export const simulateSettingsShape = {
  durationMs: z
    .union([milliseconds, z.tuple([milliseconds, milliseconds])])
    .optional()
    .describe('How long the step works: a number, or [min, max] for a uniformly random duration. @default 0'),
  failureRate: z.number().min(0).max(1).optional().describe('Probability that an attempt fails. @default 0'),
  output: z.json().optional().describe('What the step returns when it succeeds. @default {"ok": true}'),
  writes: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'(){}/-]*[^/]$/, { message: 'writes must be an object key, e.g. "data/QPO_ECL/{key}/QPO_ECL.json"' })
    .optional()
    .describe(
      'An object the step writes to the data bucket when it succeeds, so a simulated product is a data item other pipelines can wait for. "{key}" is the keyed run\'s key, "{runId}" the run id.',
    ),
};

export { simulatedWriteKey } from './simulated-write';

export const simulateSettingsSchema = z.strictObject(simulateSettingsShape);
export type SimulateSettings = z.infer<typeof simulateSettingsSchema>;
