/** A local run's crate (lib/runtime/provenance), from its record and history: at its end, and for `orchestra export ro-crate`. */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describePipeline, type PipelineSource } from '../../catalogue';
import { writeRunCrate } from '../../runtime/provenance/write-crate';
import { orchestraVersion } from '../../shared/package-root';
import type { EmbeddedS3 } from '../storage/embedded-s3';
import type { RunRecord } from './run-record';

/** Through the embedded S3: its index for listings, its store for the crate's two objects. */
export function writeLocalRunCrate(s3: EmbeddedS3, pipeline: PipelineSource, record: RunRecord, history: readonly HistoryEvent[]): Promise<string> {
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
    description: describePipeline(pipeline.graph),
    definition: pipeline.definitionText,
    engine: { name: 'Orchestra', version: orchestraVersion(), target: 'local' },
  });
}
