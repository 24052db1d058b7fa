/**
 * Entry point of the flood-model container (Fargate) and of its local process: reads the validated
 * inputs named by the validation step, runs the solver, writes the depth grids and result.json under
 * the step's output prefix. Configuration comes from the environment the state machine sets.
 */

import { getText, putObject } from '../../../functions/commons/s3-objects';
import { formatAsciiGrid } from '../../../functions/flood/commons/ascii-grid';
import { parseDem, parseHydrograph, parseModelSettings } from '../../../functions/flood/commons/flood-inputs';
import { requiredVariable } from '../../../lib/contract/environment';
import { PermanentStepError } from '../../../lib/contract/errors';
import { RESULT_FILE } from '../../../lib/contract/step-event';
import { createS3Client } from '../../../lib/runtime/s3-client';
import { parseJsonObject as parseObject } from '../../../lib/shared/json';
import { simulateFlood } from './solver';

interface ValidatedInputs {
  readonly dem: string;
  readonly hydrograph: string;
  readonly model: string;
}

const required = (name: string): string => requiredVariable(name, 'the state machine');

/** The dependency whose result names the inputs (the validation step). */
function validatedInputs(): ValidatedInputs {
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('ORCHESTRA_DEPENDENCY_') || value === undefined) continue;
    const { dem, hydrograph, model } = parseObject(value, name);
    if (typeof dem === 'string' && typeof hydrograph === 'string' && typeof model === 'string') return { dem, hydrograph, model };
  }
  throw new PermanentStepError('no dependency result names the inputs ({"dem", "hydrograph", "model"}): make this step depend on the validation step');
}

async function main(): Promise<void> {
  const bucket = required('ORCHESTRA_BUCKET');
  const outputPrefix = required('ORCHESTRA_OUTPUT_PREFIX');
  const inputs = validatedInputs();
  const s3 = createS3Client();
  const [demText, hydrographText, modelText] = await Promise.all([getText(s3, bucket, inputs.dem), getText(s3, bucket, inputs.hydrograph), getText(s3, bucket, inputs.model)]);
  const dem = parseDem(demText);
  const hydrograph = parseHydrograph(hydrographText);
  const settings = parseModelSettings(modelText, dem, hydrograph);
  console.log(
    `flood model: ${dem.ncols} × ${dem.nrows} cells of ${dem.cellsize} m, ${settings.durationSeconds} s simulated, inflow at (${settings.inflow.row}, ${settings.inflow.col})`,
  );

  const started = Date.now();
  const result = simulateFlood(dem, hydrograph, settings, (t, total) => console.log(`progress ${Math.round((100 * t) / total)}% (t = ${Math.round(t)} s)`));
  const wallSeconds = (Date.now() - started) / 1000;
  console.log(
    `done in ${wallSeconds.toFixed(2)} s: ${result.steps} time steps, max depth ${result.maxDepthM.toFixed(2)} m, ${result.wetCells} wet cells, mass balance error ${(result.massBalanceError * 100).toExponential(2)} %`,
  );

  const grid = (values: Float64Array) => formatAsciiGrid({ ...dem, nodata: -9999, values: values.map((v, i) => (dem.values[i] === dem.nodata ? -9999 : v)) });
  const summary = {
    dem: inputs.dem,
    maxDepth: `${outputPrefix}max-depth.asc`,
    finalDepth: `${outputPrefix}final-depth.asc`,
    grid: { ncols: dem.ncols, nrows: dem.nrows, cellsize: dem.cellsize },
    inflow: settings.inflow,
    steps: result.steps,
    simulatedSeconds: result.simulatedSeconds,
    wallSeconds,
    inflowVolumeM3: result.inflowVolumeM3,
    outflowVolumeM3: result.outflowVolumeM3,
    storedVolumeM3: result.storedVolumeM3,
    massBalanceError: result.massBalanceError,
    maxDepthM: result.maxDepthM,
    wetCells: result.wetCells,
  };
  await Promise.all([
    putObject(s3, bucket, summary.maxDepth, grid(result.maxDepth), 'text/plain'),
    putObject(s3, bucket, summary.finalDepth, grid(result.finalDepth), 'text/plain'),
  ]);
  await putObject(s3, bucket, `${outputPrefix}${RESULT_FILE}`, JSON.stringify(summary, null, 2), 'application/json');
  s3.destroy();
}

main().catch((error: unknown) => {
  console.error(`flood model failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof Error && error.name === 'FloodInputError' ? 2 : 1);
});
