/**
 * Publishes what a run produced: manifest.json lists every object under the run's prefix with its
 * size and SHA-256, plus each step's result, so downstream users need not know the layout.
 */
import { createHash } from 'node:crypto';
import { outputPrefixFor, runPrefixFor } from '../../../lib/contract/step-event';
import { listAllObjects } from '../../../lib/runtime/s3-list';
import { getBytes, putObject } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';

export const MANIFEST_FILE = 'manifest.json';

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const files: Array<{ key: string; bytes: number; sha256: string }> = [];
  for (const { key } of await listAllObjects(s3, bucket, runPrefixFor(event.pipeline, event.runId))) {
    const body = await getBytes(s3, bucket, key);
    files.push({ key, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  }
  const manifest = `${outputPrefixFor(event.pipeline, event.runId, event.step)}${MANIFEST_FILE}`;
  const body = {
    runId: event.runId,
    input: event.input,
    createdAt: new Date().toISOString(),
    results: event.dependencies,
    files: files.sort((a, b) => a.key.localeCompare(b.key)),
  };
  await putObject(s3, bucket, manifest, JSON.stringify(body, null, 2), 'application/json');
  logger.info('manifest published', { manifest, files: files.length });
  return { manifest, files: files.length };
});
