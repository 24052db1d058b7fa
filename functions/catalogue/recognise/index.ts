/**
 * One recognition code (`parameters.code`: peaks, edges or periodicity) on one observation — a
 * `forEach` item: reads the observation, writes its features as a product to the item's scratch
 * folder, and returns what the upload step verifies the archived copy against (size, SHA-256).
 */
import { createHash } from 'node:crypto';
import { PermanentStepError } from '../../../lib/contract/errors';
import { outputPrefixOf } from '../../../lib/contract/step-event';
import { isRecognitionCode, parseObservation, RECOGNITION_CODES, recognise } from '../../../lib/formats/catalogue/observations';
import { isJsonRecord } from '../../../lib/shared/json';
import { getText, putObject } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';

export const handler = stepHandler(async (event, { s3, bucket }) => {
  const code = event.parameters?.['code'];
  if (!isRecognitionCode(code)) throw new PermanentStepError(`parameters.code: expected one of ${RECOGNITION_CODES.join(', ')}, got ${JSON.stringify(code)}`);
  const item = event.item;
  if (!isJsonRecord(item) || typeof item['key'] !== 'string' || typeof item['bucket'] !== 'string')
    throw new PermanentStepError('item: expected {"obsId", "bucket", "key"} from list-window: run this step with forEach over its "observations"');
  let observation: ReturnType<typeof parseObservation>;
  try {
    observation = parseObservation(item['key'], await getText(s3, item['bucket'], item['key']));
  } catch (error) {
    if (error instanceof Error && error.name === 'ObservationError') throw new PermanentStepError(error.message);
    throw error;
  }
  const features = recognise(code, observation.signal);
  const body = JSON.stringify({ obs_id: observation.obsId, time: observation.time, ...features });
  const key = `${outputPrefixOf(event)}${code}.json`;
  await putObject(s3, bucket, key, body, 'application/json');
  return { obsId: observation.obsId, code, key, bytes: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex'), count: features.count };
});
