import { z } from 'zod';
import { commonStepFields, dataAccessSchema, forEachSchema, inputFilesSchema } from '../step-fields';

export const DEFAULT_CONTAINER_CPU = 1024;
export const DEFAULT_CONTAINER_MEMORY_MIB = 2048;

export const containerStepSchema = z
  .strictObject({
    kind: z.literal('container'),
    ...commonStepFields,
    forEach: forEachSchema.optional(),
    access: dataAccessSchema.optional(),
    inputs: inputFilesSchema.optional(),
    image: z
      .string()
      .min(1)
      .describe('A folder holding a Dockerfile, written "./path/from/project/root" (the build context is the project root), or an image URI such as "public.ecr.aws/x/y:tag".'),
    command: z.array(z.string()).optional().describe('Overrides the image CMD on Fargate.'),
    cpu: z
      .union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096), z.literal(8192), z.literal(16384)])
      .optional()
      .describe('Fargate CPU units. @default 1024'),
    memoryMiB: z.int().min(512).max(122_880).optional().describe('Fargate memory. @default 2048'),
    environment: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name: letters, digits and "_", not starting with a digit' }), z.string())
      .optional()
      .describe('Extra environment variables for the container.'),
    local: z
      .strictObject({
        command: z.array(z.string()).min(1).describe('argv of the process the local runtime starts instead of the container.'),
        cwd: z.string().optional().describe('Working directory, from the project root. @default the project root'),
        inheritEnvironment: z
          .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name, e.g. "ORCHESTRA_DASSFLOW2D"' }))
          .optional()
          .describe(
            "Variables of the machine's environment the local process also gets, when set (e.g. the path of a local model executable); a Fargate task gets only the graph's environment. @default [] (PATH and HOME only)",
          ),
      })
      .optional()
      .describe('How the embedded local runtime runs this step without Docker.'),
  })
  .describe('A heavy step: a container on ECS Fargate (a local process on the embedded runtime).');

/**
 * Where a container step's image comes from. One reading for the validator and CDK: anything that
 * looks like a path ("./", "../" or "/") is a Dockerfile folder, which must lie inside the project
 * root because the root is the Docker build context; anything else is a registry URI.
 */
export type ImageSource = { readonly type: 'dockerfile'; readonly folder: string } | { readonly type: 'registry'; readonly uri: string };

export const imageSourceOf = (image: string): ImageSource => (/^(\.\.?\/|\/)/.test(image) ? { type: 'dockerfile', folder: image } : { type: 'registry', uri: image });

/** Name of the container in every Orchestra task definition. */
export const CONTAINER_NAME = 'step';
