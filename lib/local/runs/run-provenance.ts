/** A local run's crate (lib/runtime/provenance), from its record and history: at its end, and for `orchestra export ro-crate`. */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describePipeline, type PipelineSource } from '../../catalogue';
import type { PipelineDescription } from '../../contract/pipeline-description';
import type { Step } from '../../graph/schema';
import { writeRunCrate } from '../../runtime/provenance/write-crate';
import { orchestraVersion } from '../../shared/package-root';
import type { EmbeddedS3 } from '../storage/embedded-s3';
import { type RunRecord, usageOfRecord } from './run-record';

/** What code runs a step now (lib/local/reuse/code-identity.ts); undefined where it cannot be known. */
export type CodeIdentityOf = (step: Step, pipeline: PipelineSource) => Promise<string | undefined>;

/** What a step's code identity depends on (lib/local/reuse/code-identity.ts): its kind and what names its code. */
const codeKeyOf = (step: Step): string =>
  JSON.stringify([
    step.kind,
    'handler' in step ? step.handler : undefined,
    'files' in step ? step.files : undefined,
    'image' in step ? step.image : undefined,
    'local' in step ? step.local : undefined,
    'pipeline' in step ? step.pipeline : undefined,
  ]);

/** The description with each step's code identity, as the stack's description carries the deployed one. */
async function describedWithCode(pipeline: PipelineSource, codeIdentityOf: CodeIdentityOf | undefined): Promise<PipelineDescription> {
  const described = describePipeline(pipeline.graph);
  if (codeIdentityOf === undefined) return described;
  // Steps running the same code (ten steps of one handler) are identified once.
  const identities = new Map<string, Promise<string | undefined>>();
  const identityOf = (step: Step): Promise<string | undefined> => {
    const key = codeKeyOf(step);
    let identity = identities.get(key);
    // A step whose code cannot be identified now (a handler deleted since) is still described, without it.
    if (identity === undefined) identities.set(key, (identity = codeIdentityOf(step, pipeline).catch(() => undefined)));
    return identity;
  };
  const steps = await Promise.all(
    Object.entries(described.steps).map(async ([id, step]) => {
      const graphStep = pipeline.graph.steps[id];
      const codeIdentity = graphStep === undefined ? undefined : await identityOf(graphStep);
      return [id, codeIdentity === undefined ? step : { ...step, codeIdentity }] as const;
    }),
  );
  return { ...described, steps: Object.fromEntries(steps) };
}

/**
 * Through the embedded S3: its index for listings, its store for the crate's two objects. Without
 * `codeIdentityOf` (a crate written after the run, when the code may have changed) the tools name
 * no code identity.
 */
export async function writeLocalRunCrate(
  s3: EmbeddedS3,
  pipeline: PipelineSource,
  record: RunRecord,
  history: readonly HistoryEvent[],
  codeIdentityOf?: CodeIdentityOf,
): Promise<string> {
  return writeRunCrate({
    s3: s3.client,
    listing: s3.listing,
    put: (key, body) => s3.storeObject(key, body, 'application/json'),
    bucket: s3.bucket,
    history,
    run: {
      pipeline: record.pipeline,
      runId: record.runId,
      status: record.status,
      startedAt: record.startedAt,
      ...(record.stoppedAt === undefined ? {} : { stoppedAt: record.stoppedAt }),
      input: record.input,
      ...(record.error === undefined ? {} : { error: record.error }),
    },
    description: await describedWithCode(pipeline, codeIdentityOf),
    definition: pipeline.definitionText,
    engine: { name: 'Orchestra', version: orchestraVersion(), target: 'local' },
    // Its cost at Lambda's billed durations where they were measured, as the run's detail gives it.
    usage: usageOfRecord(record),
  });
}
