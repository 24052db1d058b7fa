/**
 * The night's work: the observations of the window "from `fromDaysAgo` to `toDaysAgo` days before the
 * scheduled time" (parameters; default 60 → 1) listed under the observations prefix (the run input's
 * `prefix` when the CLI uploaded a folder, else `parameters.prefix`), less those the processed index
 * already holds. Written to S3 as the list the recognition steps' Distributed Maps read.
 */
import { outputPrefixOf } from '../../../lib/contract/step-event';
import { inWindow, observationKey, windowOf } from '../../../lib/formats/catalogue/observations';
import { listAllObjects } from '../../../lib/runtime/s3-list';
import { writeItemList } from '../../commons/item-lists';
import { stepHandler } from '../../commons/step-handler';
import { readProcessedIndex } from '../processed-index';

const numberParameter = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const scheduled = typeof event.input['scheduledTime'] === 'string' ? new Date(event.input['scheduledTime']) : new Date();
  const window = windowOf(scheduled, numberParameter(event.parameters?.['fromDaysAgo'], 60), numberParameter(event.parameters?.['toDaysAgo'], 1));
  const prefix = event.input.prefix ?? (typeof event.parameters?.['prefix'] === 'string' ? event.parameters['prefix'] : 'observations/');
  const inputBucket = event.input.bucket ?? bucket;
  const processed = await readProcessedIndex(s3, bucket);
  const observations: Array<{ obsId: string; bucket: string; key: string; day: string }> = [];
  let alreadyProcessed = 0;
  let outside = 0;
  for (const { key } of await listAllObjects(s3, inputBucket, prefix)) {
    const named = observationKey(key);
    if (named === undefined) continue;
    if (!inWindow(named.day, window)) outside++;
    else if (processed[named.obsId] !== undefined) alreadyProcessed++;
    else observations.push({ obsId: named.obsId, bucket: inputBucket, key, day: named.day });
  }
  observations.sort((a, b) => a.key.localeCompare(b.key));
  logger.info('window listed', { window, prefix, new: observations.length, alreadyProcessed, outside });
  return {
    window,
    new: observations.length,
    alreadyProcessed,
    outsideWindow: outside,
    observations: await writeItemList(s3, bucket, `${outputPrefixOf(event)}observations.json`, observations),
  };
});
