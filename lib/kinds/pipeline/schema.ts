import { z } from 'zod';
import { commonStepFields, dataTypeSchema, pipelineNameSchema } from '../step-fields';

/** A day, as for services: a child pipeline may run containers for hours. */
export const PIPELINE_STEP_DEFAULT_TIMEOUT_SECONDS = 86_400;

/** An input field name; one ending in ".$" would make Step Functions read its value as a path. */
const inputField = z.string().refine((key) => !key.endsWith('.$'), {
  message: 'input keys must not end in ".$" (Step Functions would read them as paths): use a "{key}"-style reference as the value',
});

export const pipelineStepSchema = z
  .strictObject({
    kind: z.literal('pipeline'),
    ...commonStepFields,
    pipeline: pipelineNameSchema.describe('The Orchestra pipeline to run, deployed or served beside this one. The step succeeds when its run succeeds and fails when it fails.'),
    input: z
      .record(inputField, z.json())
      .optional()
      .describe(
        'The child run\'s input. A string value that is exactly "{key}", "{inputs}", "{runId}" or "{input}" becomes the keyed run\'s key, its input manifest, the run id or the whole run input. @default {"key": "{key}", "inputs": "{inputs}"} in keyed pipelines, {"input": "{input}"} otherwise',
      ),
    publishes: dataTypeSchema
      .optional()
      .describe("A data type the child pipeline writes for this run's key (keyed pipelines only), so products chain: in AWS its steps may then write under <dataPrefix><type>/."),
  })
  .describe('Runs another Orchestra pipeline and waits for its run to end (Step Functions startExecution.sync:2).');
