/**
 * `orchestra runs`, `logs <run-id>` and `status <pipeline> <run-id>`: runs read from the data folder
 * (no server needed), or through a runs API with --api / --stack — one source interface
 * (../run-source/source.ts), one printed shape.
 */
import { UsageError } from '../../shared/errors';
import type { logsCommand, runsCommand, statusCommand, whyCommand } from '../commands/runs';
import type { OptionsOf } from '../commands/shared';
import { EXIT_OK } from '../exit-codes';
import { type DataDirOption, dataDirOf } from '../local-session';
import type { Output } from '../output';
import { dataFolderSource } from '../run-source/data-folder';
import { printLogs, printReuseDecision, printRun, printRuns } from '../run-source/print';
import { runsApiSource } from '../run-source/runs-api';
import type { RunSource } from '../run-source/source';
import { type ApiTargetOptions, RunsApiClient } from '../runs-api-client';

export type RunSourceOptions = ApiTargetOptions & DataDirOption;

/** A runs API when --api or --stack names one, else the data folder. */
export async function runSourceOf(options: RunSourceOptions, output: Output): Promise<RunSource> {
  if (options.api === undefined && options.stack === undefined) return dataFolderSource(dataDirOf(options), output);
  return runsApiSource(await RunsApiClient.connect(options, dataDirOf(options)));
}

export async function listRuns(options: OptionsOf<typeof runsCommand>, output: Output): Promise<number> {
  const source = await runSourceOf(options, output);
  const runs = await source.listRuns({ limit: options.limit, pipeline: options.pipeline, status: options.status });
  printRuns(runs, source.where, options.json === true, output);
  return EXIT_OK;
}

export async function showLogs(runId: string, options: OptionsOf<typeof logsCommand>, output: Output): Promise<number> {
  const source = await runSourceOf(options, output);
  const run = await source.readRun(runId, options.pipeline);
  if (options.step !== undefined && !Object.hasOwn(run.steps, options.step))
    throw new UsageError(`run ${runId} has no step "${options.step}" (steps: ${Object.keys(run.steps).join(', ')})`);
  printLogs(run, await source.readLogs(run), options.step === undefined ? Object.keys(run.steps) : [options.step], output);
  return EXIT_OK;
}

export async function showStatus(pipeline: string, runId: string, options: OptionsOf<typeof statusCommand>, output: Output): Promise<number> {
  const run = await (await runSourceOf(options, output)).readRun(runId, pipeline);
  if (run.pipeline !== pipeline) throw new UsageError(`run ${runId} is a run of ${run.pipeline}, not of ${pipeline}`);
  printRun(run, options.json === true, output);
  return EXIT_OK;
}

export async function explainStep(runId: string, step: string, options: OptionsOf<typeof whyCommand>, output: Output): Promise<number> {
  const source = await runSourceOf(options, output);
  const run = await source.readRun(runId, options.pipeline);
  if (!Object.hasOwn(run.steps, step)) throw new UsageError(`run ${runId} has no step "${step}" (steps: ${Object.keys(run.steps).join(', ')})`);
  const decision = await source.readReuseDecision(run, step);
  if (decision === undefined)
    throw new UsageError(
      `${step} of run ${runId} was not checked for reuse: its graph does not ask for it ("reuse": true on the step or in "defaults"), it cannot be reused (orchestra validate says why), or the run did not reach it`,
    );
  printReuseDecision(decision, options.json === true, output);
  return EXIT_OK;
}
