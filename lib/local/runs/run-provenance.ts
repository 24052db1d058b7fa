/** A local run's crate (lib/runtime/provenance), from its record and history: at its end, and for `orchestra export ro-crate`. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describePipeline, type PipelineSource } from '../../catalogue';
import { writeRunCrate } from '../../runtime/provenance/write-crate';
import type { ObjectListing } from '../../runtime/s3-list';
import { orchestraVersion } from '../../shared/package-root';
import type { RunRecord } from './run-record';

/** `listing`: what the bucket holds (the embedded S3's index under `orchestra up`). */
export function writeLocalRunCrate(
  s3: S3Client,
  bucket: string,
  pipeline: PipelineSource,
  record: RunRecord,
  history: readonly HistoryEvent[],
  listing?: ObjectListing,
): Promise<string> {
  return writeRunCrate({
    s3,
    ...(listing === undefined ? {} : { listing }),
    bucket,
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
    description: describePipeline(pipeline.graph),
    definition: pipeline.definitionText,
    engine: { name: 'Orchestra', version: orchestraVersion(), target: 'local' },
  });
}
