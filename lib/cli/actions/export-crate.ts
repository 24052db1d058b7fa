/**
 * `orchestra export ro-crate <run-id>`: a run's Workflow Run RO-Crate (lib/runtime/provenance). Every
 * run since Orchestra writes them has one beside its outputs; for an older local run it is written
 * now, from its record and history in the data folder (no runtime may hold the folder meanwhile), and
 * for an older deployed run (--stack) by the stack's run-provenance function.
 */
import { writeFileSync } from 'node:fs';
import { loadPipeline } from '../../catalogue';
import { STACK_OUTPUTS } from '../../contract/stack-outputs';
import { runPrefixFor } from '../../contract/step-event';
import { writeLocalRunCrate } from '../../local/runs/run-provenance';
import { RunStore } from '../../local/runs/run-store';
import { lockDataDir } from '../../local/storage/data-dir-lock';
import { startEmbeddedS3 } from '../../local/storage/embedded-s3';
import { readStoredText } from '../../local/storage/stored-objects';
import { executionArnOf } from '../../runtime/execution-history';
import { CRATE_FILE } from '../../runtime/provenance/run-crate';
import { UsageError } from '../../shared/errors';
import { parseStoredJson } from '../../shared/json';
import type { exportCrateCommand } from '../commands/conversions';
import type { OptionsOf } from '../commands/shared';
import { writeDeployedRunCrate } from '../deployed-run-crate';
import { EXIT_OK } from '../exit-codes';
import { dataDirOf, graphFileOf } from '../local-session';
import type { Output } from '../output';
import { RunsApiClient } from '../runs-api-client';
import { readStackOutputs } from '../stack-outputs';

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
      await writeLocalRunCrate(s3, pipeline, record, store.readHistory(runId));
    } finally {
      await s3.stop();
    }
    return (await readStoredText(dataDir, `${runPrefixFor(record.pipeline, runId)}${CRATE_FILE}`)) ?? '';
  } finally {
    await store.close();
    unlock();
  }
}

/** A served run's crate: one of its outputs, fetched through its presigned URL; undefined when it has none. */
async function fetchServedCrate(client: RunsApiClient, pipeline: string, runId: string): Promise<string | undefined> {
  for (let nextToken: string | undefined, first = true; first || nextToken !== undefined; first = false) {
    const { body } = await client.api.listOutputs({ pipeline, runId, query: nextToken === undefined ? {} : { nextToken } });
    const crate = body.outputs.find((o) => o.step === '' && o.path === CRATE_FILE);
    if (crate !== undefined) return (await fetch(crate.url)).text();
    nextToken = body.nextToken;
  }
  return undefined;
}

/** Asks the stack's run-provenance function to write a deployed run's crate (lib/cli/deployed-run-crate.ts). */
async function writeStackRunCrate(stackName: string, region: string | undefined, pipeline: string, runId: string): Promise<void> {
  const outputs = await readStackOutputs(stackName, region);
  const functionName = outputs[STACK_OUTPUTS.runProvenanceFunction];
  const stateMachineArn = outputs[STACK_OUTPUTS.stateMachineArn(pipeline)];
  if (functionName === undefined || stateMachineArn === undefined)
    throw new UsageError(
      `stack ${stackName} has no ${functionName === undefined ? STACK_OUTPUTS.runProvenanceFunction : STACK_OUTPUTS.stateMachineArn(pipeline)} output: deploy this version of Orchestra (cdk deploy), then export again`,
    );
  const { LambdaClient } = await import('@aws-sdk/client-lambda');
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  const config = region === undefined ? {} : { region };
  const clients = { sfn: new SFNClient(config), lambda: new LambdaClient(config) };
  try {
    await writeDeployedRunCrate(clients, functionName, executionArnOf(stateMachineArn, runId));
  } finally {
    clients.sfn.destroy();
    clients.lambda.destroy();
  }
}

/**
 * A deployed (or served) run's crate. A deployed run without one (it ended before the stack wrote
 * crates) has it written now by the stack's function, with --stack; a served API can only say so.
 */
async function servedCrate(runId: string, options: OptionsOf<typeof exportCrateCommand>): Promise<{ text: string; writtenNow: boolean }> {
  const { pipeline } = options;
  if (pipeline === undefined) throw new UsageError('--pipeline <name> is needed with --api or --stack (run ids are unique per pipeline)');
  const client = await RunsApiClient.connect(options, dataDirOf(options));
  const found = await fetchServedCrate(client, pipeline, runId);
  if (found !== undefined) return { text: found, writtenNow: false };
  if (options.stack === undefined)
    throw new UsageError(
      `run ${runId} of ${pipeline} has no ${CRATE_FILE}: it is written when a run ends (by the stack's run-provenance function on AWS) — with --stack <name>, that function writes it now`,
    );
  await writeStackRunCrate(options.stack, options.region, pipeline, runId);
  const written = await fetchServedCrate(client, pipeline, runId);
  if (written === undefined) throw new UsageError(`run ${runId} of ${pipeline}: the stack's run-provenance function answered, but no ${CRATE_FILE} is among its outputs`);
  return { text: written, writtenNow: true };
}

export async function exportRunCrate(runId: string, options: OptionsOf<typeof exportCrateCommand>, output: Output): Promise<number> {
  let text: string;
  let stored: string | undefined;
  if (options.api !== undefined || options.stack !== undefined) {
    const served = await servedCrate(runId, options);
    text = served.text;
    stored = served.writtenNow ? undefined : served.text;
  } else {
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
  // Stored compact (written at every run's end); given to people indented.
  const indented = JSON.stringify(parseStoredJson(text), null, 2);
  if (options.out === undefined) output.out(indented);
  else {
    writeFileSync(options.out, `${indented}\n`);
    output.err(`${options.out}: the Workflow Run RO-Crate of run ${runId}${stored === undefined ? ' (written now: the run had none)' : ''}`);
  }
  return EXIT_OK;
}
