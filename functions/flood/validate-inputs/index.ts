/**
 * Checks a flood dataset before the expensive model runs: the DEM grid, the hydrograph and the model
 * settings must parse and agree. Bad input fails the run at once (Orchestra.Permanent, never
 * retried) with a message naming the file, the line and the fix; the uploaded files stay in place.
 */
import { PermanentStepError } from '../../../lib/contract/errors';
import { exists, getText } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';
import { DEM_FILE, FLOOD_INPUT_FILES, FloodInputError, HYDROGRAPH_FILE, MODEL_FILE, parseDem, parseHydrograph, parseModelSettings } from '../commons/flood-inputs';

export interface ValidatedFloodInputs {
  readonly dem: string;
  readonly hydrograph: string;
  readonly model: string;
  readonly grid: { readonly ncols: number; readonly nrows: number; readonly cellsize: number };
  readonly inflowPeakM3s: number;
  readonly durationSeconds: number;
}

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const prefix = event.input.prefix;
  if (prefix === undefined) throw new PermanentStepError('the run input has no "prefix": start this pipeline by uploading a dataset folder to its ingest prefix');
  const inputBucket = event.input.bucket ?? bucket;
  const keyOf = (file: string) => `${prefix}${file}`;
  const missing = [];
  for (const file of FLOOD_INPUT_FILES) if (!(await exists(s3, inputBucket, keyOf(file)))) missing.push(file);
  if (missing.length > 0) throw new PermanentStepError(`${prefix}: missing ${missing.join(', ')} — a flood dataset needs ${FLOOD_INPUT_FILES.join(', ')}`);
  try {
    const dem = parseDem(await getText(s3, inputBucket, keyOf(DEM_FILE)));
    const hydrograph = parseHydrograph(await getText(s3, inputBucket, keyOf(HYDROGRAPH_FILE)));
    const settings = parseModelSettings(await getText(s3, inputBucket, keyOf(MODEL_FILE)), dem, hydrograph);
    const result = {
      dem: keyOf(DEM_FILE),
      hydrograph: keyOf(HYDROGRAPH_FILE),
      model: keyOf(MODEL_FILE),
      grid: { ncols: dem.ncols, nrows: dem.nrows, cellsize: dem.cellsize },
      inflowPeakM3s: Math.max(...hydrograph.map((p) => p.dischargeM3s)),
      durationSeconds: settings.durationSeconds,
    };
    logger.info('inputs are valid', { ...result });
    return result;
  } catch (error) {
    if (error instanceof FloodInputError) throw new PermanentStepError(`${prefix}${error.message}`);
    throw error;
  }
});
