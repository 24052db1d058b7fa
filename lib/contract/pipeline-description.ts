/**
 * What the runs API says about a pipeline (`GET /pipelines/{pipeline}`): its steps with their kinds
 * and dependencies, and what starts it. Built from the graph by lib/catalogue/describe.ts, bundled
 * into the deployed function at synth (no environment size limit; read by ./bundled-config.ts) and handed to it locally. zod's
 * "mini" build keeps the function's bundle small, as for the request schemas.
 */
import * as z from 'zod/mini';
import { graphLayoutSchema } from './graph-layout';

export const pipelineDescriptionSchema = z.object({
  name: z.string(),
  description: z.optional(z.string()),
  steps: z.record(
    z.string(),
    z.object({
      kind: z.string(),
      dependsOn: z.array(z.string()),
      description: z.optional(z.string()),
      /** The run input files it reads (the graph's `inputs`: patterns under an input prefix); all of them when absent. */
      inputs: z.optional(z.array(z.string())),
      logGroup: z.optional(z.string()),
      /** Deployed only: what code runs it, as the stack deployed it (a Lambda's bundle and files, a container's image asset or URI; lib/cdk/code-identity.ts). */
      codeIdentity: z.optional(z.string()),
      /** A forEach step's item Task, whose attempts are the step's. */
      itemState: z.optional(z.string()),
      /** A reused step's states around it (lib/compiler/reuse.ts): its check, the Choice on it, the Pass of a reuse, its save. */
      reuseStates: z.optional(z.object({ check: z.string(), reusable: z.string(), reused: z.string(), save: z.string() })),
      /** What runs it, for its cost (lib/contract/prices.ts). */
      pricing: z.optional(
        z.object({
          runsOn: z.enum(['lambda', 'fargate', 'nothing']),
          memoryMiB: z.optional(z.number()),
          cpu: z.optional(z.number()),
          billedSecondsPerRun: z.optional(z.number()),
        }),
      ),
    }),
  ),
  /** Key prefixes its steps may read run inputs from (their IAM, besides their runs): a start's input.prefix and input.keys must be under one. */
  inputPrefixes: z.optional(z.array(z.string())),
  /** Where each step is drawn, laid out when the pipeline was built (`orchestra build`): the console only paints it. */
  layout: z.optional(graphLayoutSchema),
  /** Deployed only: the state machine's log group (each step's is under `steps`). */
  executionLogGroup: z.optional(z.string()),
  trigger: z.optional(
    z.object({
      ingestPrefix: z.optional(z.string()),
      mode: z.optional(z.string()),
      requiredFiles: z.optional(z.array(z.string())),
      marker: z.optional(z.string()),
      schedule: z.optional(z.string()),
      timezone: z.optional(z.string()),
    }),
  ),
});

export type PipelineDescription = z.infer<typeof pipelineDescriptionSchema>;
