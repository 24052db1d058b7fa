/**
 * The seed's "df2d-to-raster": turns the model's max-depth grid into a PNG flood map over a
 * hillshade of the DEM, written under this step's output prefix.
 */

import { PermanentStepError } from '../../../lib/contract/errors';
import { outputPrefixFor, RESULT_FILE } from '../../../lib/contract/step-event';
import { parseJsonObject } from '../../../lib/shared/json';
import { getText, putObject } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';
import { parseAsciiGrid } from '../commons/ascii-grid';
import { renderFloodMap, WET_THRESHOLD_M } from './render';

interface ModelResult {
  readonly dem: string;
  readonly maxDepth: string;
}

/** The model's result.json, checked: it comes from another program through S3. */
function modelResultOf(text: string, key: string): ModelResult {
  const { dem, maxDepth } = parseJsonObject(text, key);
  if (typeof dem !== 'string' || typeof maxDepth !== 'string') throw new PermanentStepError(`${key}: expected {"dem": "<key>", "maxDepth": "<key>"} from the flood model`);
  return { dem, maxDepth };
}

export const FLOOD_MAP_FILE = 'flood-map.png';

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  // A container step returns no value: its result.json under its output prefix says what it wrote.
  const modelStep = Object.keys(event.dependencies)[0];
  if (modelStep === undefined) throw new PermanentStepError('df2d-to-raster must depend on the flood model step');
  const resultKey = `${outputPrefixFor(event.pipeline, event.runId, modelStep)}${RESULT_FILE}`;
  const model = modelResultOf(await getText(s3, bucket, resultKey), resultKey);
  const inputBucket = event.input.bucket ?? bucket;
  const dem = parseAsciiGrid(await getText(s3, inputBucket, model.dem), model.dem);
  const depth = parseAsciiGrid(await getText(s3, bucket, model.maxDepth), model.maxDepth);
  if (depth.ncols !== dem.ncols || depth.nrows !== dem.nrows)
    throw new PermanentStepError(`${model.maxDepth} is ${depth.ncols} × ${depth.nrows}, the DEM ${dem.ncols} × ${dem.nrows}`);
  const values = depth.values.map((v) => (v === depth.nodata ? 0 : v));
  const png = renderFloodMap(dem, values);
  const floodMap = `${outputPrefixFor(event.pipeline, event.runId, event.step)}${FLOOD_MAP_FILE}`;
  await putObject(s3, bucket, floodMap, png, 'image/png');
  const wetCells = values.filter((v) => v > WET_THRESHOLD_M).length;
  logger.info('flood map written', { floodMap, bytes: png.length, wetCells });
  return { floodMap, width: dem.ncols * 4, height: dem.nrows * 4, wetCells };
});
