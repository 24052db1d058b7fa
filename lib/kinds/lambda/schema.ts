import { z } from 'zod';
import { commonStepFields, dataAccessSchema, forEachSchema, inputFilesSchema } from '../step-fields';

/** Lambda's own hard limit. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
export const DEFAULT_LAMBDA_MEMORY_MIB = 512;

export const lambdaStepSchema = z
  .strictObject({
    kind: z.literal('lambda'),
    ...commonStepFields,
    forEach: forEachSchema.optional(),
    access: dataAccessSchema.optional(),
    inputs: inputFilesSchema.optional(),
    handler: z.string().min(1).describe('Path, from the project root, of a TypeScript file under functions/ that exports `handler`.'),
    memoryMiB: z.int().min(128).max(10_240).optional().describe('Lambda memory. @default 512'),
    tables: z
      .array(z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, { message: 'a table name: lower-case letters, digits and "-", starting with a letter, at most 40' }))
      .optional()
      .describe(
        'Tables this step reads and writes. In AWS each is a DynamoDB table of the pipeline (partition key "pk", on-demand, encrypted, point-in-time recovery, kept when the stack is deleted) whose name the handler finds in ORCHESTRA_TABLE_<NAME>; locally the variable is unset and the handler uses its local store (e.g. SQLite).',
      ),
    files: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Project-relative paths of data files the handler reads at run time (fonts, lookup tables), copied into the Lambda bundle at the same path; the handler opens them with `bundledFile(path)` (functions/commons/bundled-files.ts).',
      ),
  })
  .describe('A light step: an AWS Lambda function (called in-process by the local runtime).');
