/**
 * What a run's crate (./run-crate.ts) says, gathered the same way on both targets: from its Step
 * Functions history (steps, attempts, times, reuse, cost), its pipeline description, the reuse
 * decisions of its reused steps, and the data bucket (its input files and what it wrote, by content).
 */

import type { S3Client } from '@aws-sdk/client-s3';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { PipelineDescription } from '../../contract/pipeline-description';
import { type ReuseDecisionAnswer, reuseDecisionSchema } from '../../contract/run-answers';
import { runPrefixFor } from '../../contract/step-event';
import { PART, reuseDecisionKey } from '../../contract/step-reuse';
import { isJsonRecord } from '../../shared/json';
import { everyStepOutcome, stepOutcomesFrom } from '../execution-history';
import { withReuseOutcomes } from '../reuse-outcomes';
import { runCostFrom } from '../run-cost';
import { type UsageByStep, withUsage } from '../run-usage';
import { digestOf } from '../s3-digests';
import { type ObjectListing, s3ObjectListing } from '../s3-list';
import { stepAttemptsFrom } from '../step-attempts';
import { readStoredRecord } from '../stored-records';
import { CRATE_FILE, type CrateFile, type RunFacts, WORKFLOW_FILE } from './run-crate';

export interface RunSummaryFacts {
  readonly pipeline: string;
  readonly runId: string;
  readonly status: string;
  readonly startedAt: string;
  readonly stoppedAt?: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly error?: { readonly error?: string; readonly cause?: string };
}

export interface GatherOptions {
  readonly s3: S3Client;
  /** What is in the bucket. @default S3's own listing (`orchestra up`: the embedded S3's index) */
  readonly listing?: ObjectListing;
  readonly bucket: string;
  readonly history: readonly HistoryEvent[];
  readonly run: RunSummaryFacts;
  readonly description: PipelineDescription;
  readonly engine: RunFacts['engine'];
  /**
   * What each step's invocations used, where it is known when the run ends (the local runtime's
   * record). On AWS, Lambda's REPORT lines and Container Insights' samples reach CloudWatch after
   * the run's end: the runs API reads them there. @default none
   */
  readonly usage?: UsageByStep;
}

const listingOf = (options: GatherOptions): ObjectListing => options.listing ?? s3ObjectListing(options.s3);

async function decisionsOf(options: GatherOptions): Promise<Record<string, ReuseDecisionAnswer>> {
  const decisions: Record<string, ReuseDecisionAnswer> = {};
  for (const [id, step] of Object.entries(options.description.steps)) {
    if (step.reuseStates === undefined) continue;
    const stored = await readStoredRecord(options.s3, options.bucket, reuseDecisionKey(options.run.pipeline, id, options.run.runId));
    const decision = reuseDecisionSchema.safeParse(stored);
    if (decision.success) decisions[id] = decision.data;
  }
  return decisions;
}

/** A listed object's SHA-256 and version: read for them, unless a reuse record already holds its digest. */
async function contentOf(options: GatherOptions, bucket: string, key: string, knownSha256: string | undefined): Promise<{ sha256: string; versionId?: string }> {
  if (knownSha256 !== undefined) return { sha256: knownSha256 };
  const read = await digestOf(options.s3, bucket, key);
  return { sha256: read.sha256, ...(read.versionId === undefined ? {} : { versionId: read.versionId }) };
}

/** The run's input files (under its input prefix) by content, taking digests the reuse checks already made. */
async function inputFilesOf(options: GatherOptions, decisions: Readonly<Record<string, ReuseDecisionAnswer>>): Promise<CrateFile[]> {
  const { input } = options.run;
  const bucket = typeof input['bucket'] === 'string' ? input['bucket'] : options.bucket;
  const prefix = typeof input['prefix'] === 'string' && input['prefix'] !== '' ? input['prefix'] : undefined;
  const keys = new Set(Array.isArray(input['keys']) ? input['keys'].filter((key): key is string => typeof key === 'string') : []);
  if (isJsonRecord(input['inputs']))
    for (const objects of Object.values(input['inputs']))
      for (const object of Array.isArray(objects) ? objects : []) if (isJsonRecord(object) && typeof object['key'] === 'string') keys.add(object['key']);
  const known = new Map<string, string>();
  for (const decision of Object.values(decisions))
    for (const [part, digest] of Object.entries(decision.fingerprint))
      if (prefix !== undefined && part.startsWith(PART.inputFile(''))) known.set(`${prefix}${part.slice(PART.inputFile('').length)}`, digest);
  // The objects the run was started with are its inputs; only a run given a folder alone reads the
  // folder. (A per-object run names its folder too: listing it made a crate per upload read every
  // object uploaded beside it, a thousand uploads a million reads.)
  if (keys.size > 0)
    return Promise.all(
      [...keys].map(async (key) => {
        const read = await digestOf(options.s3, bucket, key);
        return {
          id: `s3://${bucket}/${key}`,
          size: read.size,
          sha256: known.get(key) ?? read.sha256,
          ...(read.etag === undefined ? {} : { etag: read.etag }),
          ...(read.versionId === undefined ? {} : { versionId: read.versionId }),
        };
      }),
    );
  const listed = prefix === undefined ? [] : await listingOf(options).list(bucket, prefix);
  return Promise.all(
    listed.map(async ({ key, size, etag }) => ({
      id: `s3://${bucket}/${key}`,
      size: size ?? 0,
      ...(await contentOf(options, bucket, key, known.get(key))),
      ...(etag === undefined ? {} : { etag }),
    })),
  );
}

/** What the run wrote in its folder, by step, taking digests its reuse records already made. */
async function outputFilesOf(options: GatherOptions, decisions: Readonly<Record<string, ReuseDecisionAnswer>>): Promise<CrateFile[]> {
  const prefix = runPrefixFor(options.run.pipeline, options.run.runId);
  const known = new Map<string, string>();
  for (const [step, decision] of Object.entries(decisions)) for (const output of decision.outputs ?? []) known.set(`${step}/${output.path}`, output.sha256);
  const listed = (await listingOf(options).list(options.bucket, prefix)).filter(({ key }) => ![CRATE_FILE, WORKFLOW_FILE].includes(key.slice(prefix.length)));
  return Promise.all(
    listed.map(async ({ key, size, etag }) => {
      const path = key.slice(prefix.length);
      const step = path.includes('/') ? path.slice(0, path.indexOf('/')) : undefined;
      return {
        id: path,
        size: size ?? 0,
        ...(await contentOf(options, options.bucket, key, known.get(path))),
        ...(etag === undefined ? {} : { etag }),
        ...(step === undefined ? {} : { step }),
      };
    }),
  );
}

export async function gatherRunFacts(options: GatherOptions): Promise<RunFacts> {
  const { run, description, history } = options;
  const decisions = await decisionsOf(options);
  const ended = run.status !== 'RUNNING';
  const steps = withUsage(everyStepOutcome(withReuseOutcomes(stepOutcomesFrom(history), history, description), Object.keys(description.steps), ended), options.usage ?? {});
  return {
    pipeline: run.pipeline,
    runId: run.runId,
    status: run.status,
    startedAt: run.startedAt,
    ...(run.stoppedAt === undefined ? {} : { stoppedAt: run.stoppedAt }),
    ...(run.error === undefined ? {} : { error: run.error }),
    source: typeof run.input['source'] === 'string' ? run.input['source'] : 'api',
    input: run.input,
    description,
    steps,
    attempts: stepAttemptsFrom(history),
    ...(ended ? { cost: runCostFrom(history, description, options.usage) } : {}),
    inputs: await inputFilesOf(options, decisions),
    outputs: await outputFilesOf(options, decisions),
    engine: options.engine,
  };
}
