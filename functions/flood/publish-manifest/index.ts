/**
 * Publishes what a run produced: manifest.json lists every object under the run's prefix with its
 * size and SHA-256, plus each step's result, so downstream users need not know the layout. A model
 * run's figures found among the results (its wall-clock `wallSeconds`, the `volumeBalance` of its
 * water) are lifted to the top as `model`, the first things a hydrologist checks.
 */
import { createHash } from 'node:crypto';
import { outputPrefixFor, runPrefixFor } from '../../../lib/contract/step-event';
import { listAllObjects } from '../../../lib/runtime/s3-list';
import { isJsonRecord } from '../../../lib/shared/json';
import { getBytes, putObject } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';

export const MANIFEST_FILE = 'manifest.json';

/** The first dependency result carrying `key`, with the step it came from. */
function firstWith(results: Readonly<Record<string, unknown>>, key: string): { step: string; value: unknown } | undefined {
  for (const [step, result] of Object.entries(results)) if (isJsonRecord(result) && result[key] !== undefined) return { step, value: result[key] };
  return undefined;
}

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const files: Array<{ key: string; bytes: number; sha256: string }> = [];
  // A container step's result is already the result.json it wrote (stepHandler reads it in).
  const results: Record<string, unknown> = { ...event.dependencies };
  for (const { key } of await listAllObjects(s3, bucket, runPrefixFor(event.pipeline, event.runId))) {
    const body = await getBytes(s3, bucket, key);
    files.push({ key, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  }
  const manifest = `${outputPrefixFor(event.pipeline, event.runId, event.step)}${MANIFEST_FILE}`;
  const runTime = firstWith(results, 'wallSeconds');
  const balance = firstWith(results, 'volumeBalance');
  const model = {
    ...(runTime === undefined ? {} : { step: runTime.step, wallSeconds: runTime.value }),
    ...(balance === undefined ? {} : { volumeBalance: balance.value }),
  };
  const body = {
    runId: event.runId,
    input: event.input,
    createdAt: new Date().toISOString(),
    ...(Object.keys(model).length === 0 ? {} : { model }),
    results,
    files: files.sort((a, b) => a.key.localeCompare(b.key)),
  };
  await putObject(s3, bucket, manifest, JSON.stringify(body, null, 2), 'application/json');
  logger.info('manifest published', { manifest, files: files.length, ...model });
  return { manifest, files: files.length };
});
