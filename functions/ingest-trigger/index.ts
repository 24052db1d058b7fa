/**
 * The deployed upload trigger: EventBridge "Object Created" events under a pipeline's ingest prefix
 * arrive here; the shared ingest logic (lib/runtime/ingest.ts, also used locally) decides, and the run
 * starts with a name derived from the data, so Step Functions itself refuses duplicates
 * (ExecutionAlreadyExists) for re-delivered events or files of one dataset landing together.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { requiredVariable } from '../../lib/contract/environment';
import { decideIngest, type IngestTrigger, parseIngestTrigger } from '../../lib/runtime/ingest';
import { createS3Client } from '../../lib/runtime/s3-client';
import { listAllObjects } from '../../lib/runtime/s3-list';
import { objectCreatedFrom, parseObjectCreatedEvent } from '../../lib/runtime/upload-events';

const logger = new Logger({ serviceName: 'orchestra-ingest' });
const s3 = createS3Client();
const sfn = new SFNClient({});

function configuration(): { trigger: IngestTrigger; stateMachineArn: string } {
  return {
    trigger: parseIngestTrigger(requiredVariable('INGEST_TRIGGER', 'the stack')),
    stateMachineArn: requiredVariable('STATE_MACHINE_ARN', 'the stack'),
  };
}

/** A malformed event throws (naming its wrong fields): after EventBridge's retries it lands in the dead-letter queue, which raises an alarm. */
export const handler = async (event: unknown): Promise<{ action: string; runName?: string }> => {
  const { trigger, stateMachineArn } = configuration();
  const object = objectCreatedFrom(parseObjectCreatedEvent(event));
  const decision = await decideIngest(trigger, object, (prefix) => listAllObjects(s3, object.bucket, prefix));
  if (decision.action !== 'start') {
    // Rejections are warnings with the reason, so no upload is dropped without a trace in CloudWatch.
    logger[decision.action === 'reject' ? 'warn' : 'info'](`${object.key}: ${decision.action}`, { reason: decision.reason });
    return { action: decision.action };
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
