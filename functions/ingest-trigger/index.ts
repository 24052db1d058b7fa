/**
 * The upload trigger: EventBridge "Object Created" events under a pipeline's ingest prefix arrive
 * here; the shared ingest logic (lib/runtime/ingest.ts) decides, and the run starts with a name
 * derived from the data, so Step Functions itself refuses duplicates (ExecutionAlreadyExists) for
 * re-delivered events or files of one dataset landing together. The same function serves uploads to
 * the embedded S3 under `orchestra up`, with its clients on the local endpoints (lib/local/triggers/ingest-router.ts).
 */

import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { requiredVariable } from '../../lib/contract/environment';
import { decideIngest, type IngestTrigger, parseIngestTrigger } from '../../lib/runtime/ingest';
import { createS3Client } from '../../lib/runtime/s3-client';
import { type ObjectListing, s3ObjectListing } from '../../lib/runtime/s3-list';
import { objectCreatedFrom, parseObjectCreatedEvent, resolveEventKey } from '../../lib/runtime/upload-events';
import { getText } from '../commons/s3-objects';

export interface IngestTriggerDependencies {
  readonly s3: S3Client;
  /** What is in the bucket. @default S3's own listing (`orchestra up` answers from the embedded S3's index) */
  readonly listing?: ObjectListing;
  readonly sfn: SFNClient;
  /** Which pipeline's trigger this is and the state machine it starts; read per call (the stack sets them as variables). */
  readonly configuration: () => { readonly trigger: IngestTrigger; readonly stateMachineArn: string };
  /** Where decisions are logged. @default Powertools' JSON logger */
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

/** What became of the upload: a run started (or already had), the dataset is waiting for files, or the upload was rejected. */
export interface IngestOutcome {
  readonly action: 'start' | 'duplicate' | 'wait' | 'reject';
  readonly runName?: string;
  readonly reason?: string;
}

export function createIngestTrigger({
  s3,
  listing = s3ObjectListing(s3),
  sfn,
  configuration,
  logger = new Logger({ serviceName: 'orchestra-ingest' }),
}: IngestTriggerDependencies) {
  /** A malformed event throws (naming its wrong fields): after EventBridge's retries it lands in the dead-letter queue, which raises an alarm. */
  return async (event: unknown): Promise<IngestOutcome> => {
    const { trigger, stateMachineArn } = configuration();
    const received = objectCreatedFrom(parseObjectCreatedEvent(event));
    const object = await resolveEventKey(received, (key) => listing.exists(received.bucket, key));
    const decision = await decideIngest(
      trigger,
      object,
      (prefix) => listing.list(object.bucket, prefix),
      (key) => getText(s3, object.bucket, key),
    );
    if (decision.action !== 'start') {
      // Rejections are warnings with the reason, so no upload is dropped without a trace in CloudWatch.
      logger[decision.action === 'reject' ? 'warn' : 'info'](`${object.key}: ${decision.action}`, { reason: decision.reason });
      return { action: decision.action, reason: decision.reason };
    }
    try {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, name: decision.runName, input: JSON.stringify(decision.input) }));
      logger.info('run started', { runName: decision.runName, key: object.key });
      return { action: 'start', runName: decision.runName };
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      logger.info('already started', { runName: decision.runName, key: object.key });
      return { action: 'duplicate', runName: decision.runName };
    }
  };
}

export const handler = createIngestTrigger({
  s3: createS3Client(),
  sfn: new SFNClient({}),
  configuration: () => ({
    trigger: parseIngestTrigger(requiredVariable('INGEST_TRIGGER', 'the stack')),
    stateMachineArn: requiredVariable('STATE_MACHINE_ARN', 'the stack'),
  }),
});
