/**
 * `orchestra export ro-crate <run-id>`: a run's Workflow Run RO-Crate (lib/runtime/provenance). Every
 * run since Orchestra writes them has one beside its outputs; for an older local run it is written
 * now, from its record and history in the data folder (no runtime may hold the folder meanwhile).
 */
import { writeFileSync } from 'node:fs';
import { loadPipeline } from '../../catalogue';
import { runPrefixFor } from '../../contract/step-event';
import { writeLocalRunCrate } from '../../local/runs/run-provenance';
import { RunStore } from '../../local/runs/run-store';
import { lockDataDir } from '../../local/storage/data-dir-lock';
import { startEmbeddedS3 } from '../../local/storage/embedded-s3';
import { readStoredText } from '../../local/storage/stored-objects';
import { CRATE_FILE } from '../../runtime/provenance/run-crate';
import { UsageError } from '../../shared/errors';
import type { exportCrateCommand } from '../commands/conversions';
import type { OptionsOf } from '../commands/shared';
import { EXIT_OK } from '../exit-codes';
import { dataDirOf, graphFileOf } from '../local-session';
import type { Output } from '../output';
import { RunsApiClient } from '../runs-api-client';

/** Writes the crate of a run recorded in the data folder that has none yet; returns its text. */
async function writeOlderRunCrate(dataDir: string, runId: string, graphFile: string | undefined): Promise<string> {
  const unlock = lockDataDir(dataDir);
  const store = new RunStore(dataDir);
  try {
    const record = store.get(runId);
    const pipeline = loadPipeline(graphFile ?? graphFileOf(record.pipeline));
    if (pipeline.name !== record.pipeline) throw new UsageError(`run ${runId} is a run of ${record.pipeline}, not of ${pipeline.name} (${graphFile ?? ''})`);
    const s3 = await startEmbeddedS3({ dataDir });
    try {
      await writeLocalRunCrate(s3.client, s3.bucket, pipeline, record, store.readHistory(runId));
    } finally {
      await s3.stop();
    }
    return (await readStoredText(dataDir, `${runPrefixFor(record.pipeline, runId)}${CRATE_FILE}`)) ?? '';
  } finally {
    await store.close();
    unlock();
  }
}

/** A deployed (or served) run's crate: one of its outputs, fetched through its presigned URL. */
async function servedCrate(runId: string, options: OptionsOf<typeof exportCrateCommand>): Promise<string> {
  if (options.pipeline === undefined) throw new UsageError('--pipeline <name> is needed with --api or --stack (run ids are unique per pipeline)');
  const client = await RunsApiClient.connect(options, dataDirOf(options));
  for (let nextToken: string | undefined, first = true; first || nextToken !== undefined; first = false) {
    const { body } = await client.api.listOutputs({ pipeline: options.pipeline, runId, query: nextToken === undefined ? {} : { nextToken } });
    const crate = body.outputs.find((o) => o.step === '' && o.path === CRATE_FILE);
    if (crate !== undefined) return (await fetch(crate.url)).text();
    nextToken = body.nextToken;
  }
  throw new UsageError(`run ${runId} of ${options.pipeline} has no ${CRATE_FILE}: it is written when a run ends (by the stack's run-provenance function on AWS)`);
}

export async function exportRunCrate(runId: string, options: OptionsOf<typeof exportCrateCommand>, output: Output): Promise<number> {
  let text: string;
  let stored: string | undefined;
  if (options.api !== undefined || options.stack !== undefined) text = stored = await servedCrate(runId, options);
  else {
    const dataDir = dataDirOf(options);
    const store = new RunStore(dataDir);
    let pipeline: string;
    try {
      pipeline = store.get(runId).pipeline;
    } finally {
      await store.close();
    }
    stored = await readStoredText(dataDir, `${runPrefixFor(pipeline, runId)}${CRATE_FILE}`);
    text = stored ?? (await writeOlderRunCrate(dataDir, runId, options.graph));
  }
  if (text === '') throw new UsageError(`run ${runId}: its crate could not be written`);
  if (options.out === undefined) output.out(text.trimEnd());
  else {
    writeFileSync(options.out, text);
    output.err(`${options.out}: the Workflow Run RO-Crate of run ${runId}${stored === undefined ? ' (written now: the run had none)' : ''}`);
  }
  return EXIT_OK;
}
