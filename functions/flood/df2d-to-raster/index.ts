/**
 * DassFlow-2D results as maps: the final depth and the maximum depth over every snapshot as float32
 * GeoTIFFs (nodata where dry or off the mesh; the CRS from the step's `parameters.epsg` when given),
 * and a PNG flood map of the maximum depth over a hillshade of the bed (colour scale, scale bar, title, time). Reads the mesh the
 * validate-inputs step checked and the snapshots run-model listed in its result.json.
 */
import { PermanentStepError } from '../../../lib/contract/errors';
import { outputPrefixFor, RESULT_FILE } from '../../../lib/contract/step-event';
import { depthGeoTiff } from '../../../lib/formats/dassflow2d/geotiff';
import { parseMesh } from '../../../lib/formats/dassflow2d/mesh';
import { integrate, parsePostFile } from '../../../lib/formats/dassflow2d/post';
import { formatProblem } from '../../../lib/formats/dassflow2d/problems';
import { rasterize } from '../../../lib/formats/dassflow2d/rasterize';
import { parseResultFile, resultProblem } from '../../../lib/formats/dassflow2d/results';
import { listAllObjects } from '../../../lib/runtime/s3-list';
import { isJsonRecord } from '../../../lib/shared/json';
import { getText, putObject } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';
import { hydrographChart } from './plot';
import { renderFloodMap, WET_THRESHOLD_M } from './render';
import { floodReportHtml } from './report';

/** 10800 → "3 h 00 min"; 600 → "10 min". */
export const duration = (seconds: number): string => {
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
};

export const OUTPUTS = { finalDepth: 'final-depth.tif', maxDepth: 'max-depth.tif', map: 'flood-map.png', hydrographs: 'hydrographs.svg', report: 'report.html' } as const;

/** The dependency results this step needs: the checked case and run-model's snapshot list. */
interface CheckedCase {
  readonly prefix: string;
  readonly meshFile: string;
  readonly cells: number;
  readonly simulatedSeconds: number;
}

function inputsOf(dependencies: Readonly<Record<string, unknown>>): CheckedCase & { modelStep: string } {
  let theCase: CheckedCase | undefined;
  let modelStep: string | undefined;
  for (const [step, result] of Object.entries(dependencies)) {
    if (
      isJsonRecord(result) &&
      typeof result['prefix'] === 'string' &&
      typeof result['meshFile'] === 'string' &&
      typeof result['cells'] === 'number' &&
      typeof result['simulatedSeconds'] === 'number'
    )
      theCase = { prefix: result['prefix'], meshFile: result['meshFile'], cells: result['cells'], simulatedSeconds: result['simulatedSeconds'] };
    else modelStep = step;
  }
  if (theCase === undefined || modelStep === undefined)
    throw new PermanentStepError('this step depends on validate-inputs (the checked case) and on the step that runs the model (its result.json lists the snapshots)');
  return { ...theCase, modelStep };
}

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const { prefix, meshFile, cells, simulatedSeconds, modelStep } = inputsOf(event.dependencies);
  const inputBucket = event.input.bucket ?? bucket;
  const parsed = parseMesh(meshFile, await getText(s3, inputBucket, `${prefix}${meshFile}`));
  if (parsed.mesh === undefined) throw new PermanentStepError(parsed.problems.map(formatProblem).join('\n'));
  const mesh = parsed.mesh;
  // The model step's result is the result.json it wrote (stepHandler reads it in).
  const resultKey = `${outputPrefixFor(event.pipeline, event.runId, modelStep)}${RESULT_FILE}`;
  const modelResult = event.dependencies[modelStep];
  const snapshots = isJsonRecord(modelResult) ? modelResult['snapshots'] : undefined;
  if (!Array.isArray(snapshots) || !snapshots.every((key) => typeof key === 'string'))
    throw new PermanentStepError(`${resultKey}: expected {"snapshots": ["<key of res/result_*.dat>", …]} from the model step`);
  const finalKey = snapshots.find((key) => key.endsWith('/result_final.dat'));
  if (finalKey === undefined) throw new PermanentStepError(`${resultKey}: no res/result_final.dat among the snapshots`);
  const maxDepth = new Float64Array(cells);
  let finalDepth = new Float64Array(cells);
  for (const key of snapshots) {
    const snapshot = parseResultFile(key, await getText(s3, bucket, key));
    const problem = resultProblem(key, snapshot, cells);
    if (problem !== undefined) throw new PermanentStepError(problem);
    for (let i = 0; i < cells; i++) maxDepth[i] = Math.max(maxDepth[i] ?? 0, snapshot.h[i] ?? 0);
    if (key === finalKey) finalDepth = Float64Array.from(snapshot.h);
  }
  const epsg = typeof event.parameters?.['epsg'] === 'number' ? event.parameters['epsg'] : undefined;
  const wet = (depths: Float64Array) => (cell: number) => ((depths[cell] ?? 0) > WET_THRESHOLD_M ? depths[cell] : undefined);
  const output = outputPrefixFor(event.pipeline, event.runId, event.step);
  const maxGrid = rasterize(mesh, wet(maxDepth));
  await putObject(s3, bucket, `${output}${OUTPUTS.finalDepth}`, depthGeoTiff(rasterize(mesh, wet(finalDepth)), epsg), 'image/tiff');
  await putObject(s3, bucket, `${output}${OUTPUTS.maxDepth}`, depthGeoTiff(maxGrid, epsg), 'image/tiff');
  // The map's hillshade needs a bed everywhere: the bed of each cell, nodata off the mesh.
  const bed = rasterize(mesh, (cell) => mesh.cells[cell]?.z);
  const caseName =
    prefix
      .split('/')
      .filter((part) => part !== '')
      .at(-1) ?? prefix;
  const floodMap = renderFloodMap({
    bed,
    depth: maxGrid,
    title: `Maximum water depth: ${caseName}`,
    time: `over the ${snapshots.length} snapshots from 0 to ${duration(simulatedSeconds)} simulated (run ${event.runId})`,
    ...(epsg === undefined ? {} : { crs: `EPSG:${epsg}` }),
  });
  await putObject(s3, bucket, `${output}${OUTPUTS.map}`, floodMap, 'image/png');
  // The boundary discharges and the stored volume from res/post/, and the volume balance they give.
  const postPrefix = `${outputPrefixFor(event.pipeline, event.runId, modelStep)}res/post/`;
  const series = await Promise.all((await listAllObjects(s3, bucket, postPrefix)).map(async ({ key }) => parsePostFile(key, await getText(s3, bucket, key))));
  const discharges = series.filter((s) => /^sum_mass_flux_(inflow|outflow)_/.test(s.name)).sort((a, b) => a.name.localeCompare(b.name));
  const volume = series.find((s) => s.name === 'water_vol');
  const chart = hydrographChart(event.pipeline, discharges, volume);
  await putObject(s3, bucket, `${output}${OUTPUTS.hydrographs}`, chart, 'image/svg+xml');
  const inflowM3 = discharges.filter((s) => s.name.includes('inflow')).reduce((sum, s) => sum + integrate(s.points), 0);
  const outflowM3 = discharges.filter((s) => s.name.includes('outflow')).reduce((sum, s) => sum + integrate(s.points), 0);
  const finalVolumeM3 = volume?.points.at(-1)?.[1];
  const deepest = Math.max(0, ...maxDepth);
  const volumeBalance =
    finalVolumeM3 === undefined || inflowM3 === 0 ? undefined : { inflowM3, outflowM3, finalVolumeM3, relativeError: (inflowM3 - outflowM3 - finalVolumeM3) / inflowM3 };
  const report = floodReportHtml({
    caseName,
    runId: event.runId,
    floodMapPng: floodMap,
    hydrographsSvg: chart,
    deepestM: deepest,
    snapshots: snapshots.length,
    simulated: duration(simulatedSeconds),
    ...(volumeBalance === undefined ? {} : { volumeBalance }),
  });
  await putObject(s3, bucket, `${output}${OUTPUTS.report}`, report, 'text/html');
  logger.info('rasters written', { cells, snapshots: snapshots.length, deepest });
  return {
    finalDepth: `${output}${OUTPUTS.finalDepth}`,
    maxDepth: `${output}${OUTPUTS.maxDepth}`,
    map: `${output}${OUTPUTS.map}`,
    hydrographs: `${output}${OUTPUTS.hydrographs}`,
    maxDepthM: deepest,
    ...(epsg === undefined ? {} : { epsg }),
    report: `${output}${OUTPUTS.report}`,
    // Sampled every dtp, so the balance is approximate: a check on the run, not an exact budget.
    ...(volumeBalance === undefined ? {} : { volumeBalance }),
  };
});
