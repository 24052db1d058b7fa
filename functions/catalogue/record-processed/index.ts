/**
 * Adds the observations upload-products completed to the processed index — last, once their rows are
 * in the database, so an observation counts as processed only after the whole night succeeded for it.
 */
import { PermanentStepError } from '../../../lib/contract/errors';
import { isJsonRecord, parseStoredJson } from '../../../lib/shared/json';
import { getText } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';
import { readProcessedIndex, writeProcessedIndex } from '../processed-index';

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const key = Object.values(event.dependencies).find((result): result is { complete: string } => isJsonRecord(result) && typeof result['complete'] === 'string')?.complete;
  if (key === undefined) throw new PermanentStepError('no dependency result names "complete" (a JSON list of observation ids): make this step depend on upload-products');
  const complete = parseStoredJson(await getText(s3, bucket, key));
  if (!Array.isArray(complete) || !complete.every((id) => typeof id === 'string')) throw new PermanentStepError(`${key}: expected a JSON array of observation ids`);
  const index = await readProcessedIndex(s3, bucket);
  const at = new Date().toISOString();
  for (const obsId of complete) index[obsId] = { runId: event.runId, at };
  await writeProcessedIndex(s3, bucket, index);
  logger.info('processed index updated', { added: complete.length, total: Object.keys(index).length });
  return { added: complete.length, total: Object.keys(index).length };
});
