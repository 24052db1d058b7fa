/** Writes a run's crate and the workflow it ran beside its outputs (./run-crate.ts, ./run-facts.ts). */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { runPrefixFor } from '../../contract/step-event';
import { CRATE_FILE, runCrate, WORKFLOW_FILE } from './run-crate';
import { type GatherOptions, gatherRunFacts } from './run-facts';

/** Puts a JSON object in the data bucket. */
export type PutJson = (key: string, body: string) => Promise<unknown>;

/**
 * Returns the crate's key. `put` @default a PutObject through `s3` (`orchestra up` stores it through
 * the embedded S3's own store).
 */
export async function writeRunCrate(options: GatherOptions & { readonly definition: string; readonly put?: PutJson }): Promise<string> {
  const crate = runCrate(await gatherRunFacts(options));
  const prefix = runPrefixFor(options.run.pipeline, options.run.runId);
  const put: PutJson = options.put ?? ((key, body) => options.s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: body, ContentType: 'application/json' })));
  await put(`${prefix}${WORKFLOW_FILE}`, options.definition);
  // Compact: written at every run's end, where indenting was a third of the crate's time; `orchestra export ro-crate` prints it indented.
  await put(`${prefix}${CRATE_FILE}`, `${JSON.stringify(crate)}\n`);
  return `${prefix}${CRATE_FILE}`;
}
