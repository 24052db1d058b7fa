/**
 * The built-in function behind step reuse. The compiled machine calls it twice around a reusable step
 * (lib/compiler/reuse.ts): `check` before it — the step's fingerprint, and if a finished run of the
 * step had the same one and its outputs are still there unchanged, those outputs copied into this run
 * and its result returned, so the machine skips the step —; `save` after it ran — its outputs recorded
 * by content, then the entry written. A write that fails fails the Task: an entry is never half there.
 */
import { PermanentStepError } from '../../lib/contract/errors';
import { outputPrefixFor, pipelineRunsPrefixFor, type StepEvent } from '../../lib/contract/step-event';
import {
  type Fingerprint,
  type FingerprintChange,
  isReuseDecision,
  isReuseEntry,
  NO_REUSE_INPUT_FIELD,
  type ReuseCheckEvent,
  type ReuseCheckResult,
  type ReuseDecision,
  type ReuseEntry,
  reuseDecisionKey,
  reuseEntryKey,
  reuseLatestKey,
} from '../../lib/contract/step-reuse';
import { recordObjects } from '../../lib/runtime/s3-digests';
import { isJsonRecord } from '../../lib/shared/json';
import { withContainerResults } from '../commons/container-results';
import { type StepTools, stepHandler } from '../commons/step-handler';
import { fingerprintOf, keyOf } from './fingerprint';
import { copyOutputs, outputProblem, rebased } from './objects';
import { readRecord, writeRecord } from './store';

type ReuseEvent = StepEvent & { readonly action?: unknown };

const notCompiled = (what: string) => new PermanentStepError(`not a step-reuse event (${what}): it is called by the state machine Orchestra compiles`);

/** The compiler wrote these; checked by hand because zod would add ~450 KB to the bundle. */
function checkEventOf(event: ReuseEvent): ReuseCheckEvent {
  const { spec, parameters, code, reads, inputs } = event;
  if (typeof spec !== 'string' || typeof parameters !== 'string' || typeof code !== 'string') throw notCompiled('"spec", "parameters" and "code" are strings');
  if (!Array.isArray(reads) || !reads.every((read) => typeof read === 'string')) throw notCompiled('"reads" is a list of key prefixes');
  if (inputs !== undefined && !(Array.isArray(inputs) && inputs.every((pattern) => typeof pattern === 'string'))) throw notCompiled('"inputs" is a list of file patterns');
  const base = {
    action: 'check',
    pipeline: event.pipeline,
    step: event.step,
    runId: event.runId,
    input: event.input,
    dependencies: event.dependencies,
    spec,
    parameters,
    code,
    reads,
  } as const;
  return inputs === undefined ? base : { ...base, inputs };
}

/** How a fingerprint differs from the newest entry's: the parts `orchestra why` names. */
export function changesBetween(before: Fingerprint, after: Fingerprint): FingerprintChange[] {
  const changes: FingerprintChange[] = [];
  for (const [part, digest] of Object.entries(after)) {
    const was = before[part];
    if (was === undefined) changes.push({ part, change: 'added', after: digest });
    else if (was !== digest) changes.push({ part, change: 'changed', before: was, after: digest });
  }
  for (const [part, digest] of Object.entries(before)) if (after[part] === undefined) changes.push({ part, change: 'removed', before: digest });
  return changes;
}

/** Why there is nothing to reuse: no entry, one whose outputs are gone, or a run that asked for none. */
async function missReason(tools: StepTools, event: ReuseCheckEvent, entry: ReuseEntry | undefined): Promise<string | undefined> {
  if (event.input[NO_REUSE_INPUT_FIELD] === true) return 'the run asked for no reuse';
  if (entry === undefined) return 'no finished run of this step had the same fingerprint';
  const prefix = outputPrefixFor(event.pipeline, entry.runId, event.step);
  for (const output of entry.outputs) {
    const problem = await outputProblem(tools.s3, tools.bucket, prefix, output);
    if (problem !== undefined) return `run ${entry.runId} had the same fingerprint, but its output ${problem}`;
  }
  return undefined;
}

async function check(event: ReuseCheckEvent, tools: StepTools): Promise<ReuseCheckResult> {
  const { s3, bucket, logger } = tools;
  const fingerprint = await fingerprintOf(s3, bucket, event);
  const key = keyOf(fingerprint);
  const entry = await readRecord(s3, bucket, reuseEntryKey(event.pipeline, event.step, key), isReuseEntry);
  const reason = await missReason(tools, event, entry);
  const base = { pipeline: event.pipeline, step: event.step, runId: event.runId, decidedAt: new Date().toISOString(), key, fingerprint };
  if (reason !== undefined || entry === undefined) {
    const latest = await readRecord(s3, bucket, reuseLatestKey(event.pipeline, event.step), isReuseEntry);
    const decision: ReuseDecision = {
      ...base,
      outcome: 'computed',
      reason: reason ?? 'no entry',
      ...(latest === undefined ? {} : { comparedWith: { runId: latest.runId, key: latest.key }, changes: changesBetween(latest.fingerprint, fingerprint) }),
    };
    await writeRecord(s3, bucket, reuseDecisionKey(event.pipeline, event.step, event.runId), decision);
    logger.info('step will run', { reason: decision.reason, changes: decision.changes?.map((c) => c.part) });
    return { reused: false };
  }
  const runs = pipelineRunsPrefixFor(event.pipeline);
  const [from, to] = [`${runs}${entry.runId}/`, `${runs}${event.runId}/`];
  await copyOutputs(s3, bucket, outputPrefixFor(event.pipeline, entry.runId, event.step), outputPrefixFor(event.pipeline, event.runId, event.step), entry.outputs, from, to);
  const reusedFrom = { runId: entry.runId, step: event.step };
  const decision: ReuseDecision = { ...base, outcome: 'reused', reason: `run ${entry.runId} computed it with the same fingerprint`, reusedFrom, outputs: entry.outputs };
  await writeRecord(s3, bucket, reuseDecisionKey(event.pipeline, event.step, event.runId), decision);
  logger.info('step reused', { reusedFrom: entry.runId, outputs: entry.outputs.length });
  return { reused: true, result: rebased(entry.result, from, to), reusedFrom };
}

async function save(event: ReuseEvent, tools: StepTools): Promise<{ readonly saved: string }> {
  const { s3, bucket, logger } = tools;
  const decisionKey = reuseDecisionKey(event.pipeline, event.step, event.runId);
  const decision = await readRecord(s3, bucket, decisionKey, isReuseDecision);
  if (decision === undefined) throw new PermanentStepError(`no reuse check was recorded at s3://${bucket}/${decisionKey}: the check runs before the step in the compiled machine`);
  // A container's result is the result.json it wrote: kept as such, so a reuse needs no ECS task.
  const result = (await withContainerResults({ [event.step]: event['result'] }, event, s3, bucket))[event.step];
  const outputs = await recordObjects(s3, bucket, outputPrefixFor(event.pipeline, event.runId, event.step));
  const savedAt = new Date().toISOString();
  const entry: ReuseEntry = { key: decision.key, pipeline: event.pipeline, step: event.step, runId: event.runId, savedAt, fingerprint: decision.fingerprint, result, outputs };
  // The entry only once the outputs it names are stored and recorded; then what points at it.
  await writeRecord(s3, bucket, reuseEntryKey(event.pipeline, event.step, decision.key), entry);
  await writeRecord(s3, bucket, decisionKey, { ...decision, outputs, savedAt });
  await writeRecord(s3, bucket, reuseLatestKey(event.pipeline, event.step), entry);
  logger.info('step saved for reuse', { key: decision.key, outputs: outputs.length });
  return { saved: decision.key };
}

export const handler = stepHandler<ReuseCheckResult | { readonly saved: string }, ReuseEvent>(async (event, tools) => {
  if (event.action === 'check') return check(checkEventOf(event), tools);
  if (event.action === 'save') return save(event, tools);
  throw notCompiled(`"action" is "check" or "save", not ${JSON.stringify(isJsonRecord(event) ? event.action : undefined)}`);
});
