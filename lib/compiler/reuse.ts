/**
 * The states around a reused step (lib/graph/reuse.ts says which): a Task asks the step-reuse function
 * whether a finished run of the step had the same fingerprint (functions/step-reuse); a Choice takes
 * its answer; a Pass puts the reused result where the step's own would be; after the step runs, a
 * Task saves its result and outputs for later runs. The same states run on AWS (where their
 * transitions are billed, and `orchestra cost` counts them) and locally.
 *
 *   <id>: reuse check → <id>: reusable? ─reused→ <id>: reused ─────────────────→ next
 *                                       └─────→ <id> (the step) → <id>: save for reuse → next
 */
import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { ERRORS } from '../contract/errors';
import { codeIdentityPlaceholder, PLACEHOLDERS, ref } from '../contract/placeholders';
import { STEP_EVENT_FIELDS } from '../contract/step-event';
import type { PipelineGraph, Step } from '../graph/schema';
import type { JsonObject, Retrier, State } from './asl';
import { stepEventParameters } from './kinds/task';
import { derivedStateName } from './names';

/** Settings that say how a step is run or shown, not what it computes: left out of its spec digest, so editing them keeps its entries. */
const NOT_DECIDING = ['description', 'dependsOn', 'retry', 'timeoutSeconds', 'onFailure', 'estimatedDurationSeconds', 'reuse', 'idempotent', 'parameters'] as const;

const digestOf = (value: unknown): string =>
  createHash('sha256')
    .update(stringify(value ?? null))
    .digest('hex');

/** The digest of what decides a step's result in its own settings (its parameters apart). */
export function specDigestOf(step: Step): string {
  const deciding: Record<string, unknown> = { ...step };
  for (const field of NOT_DECIDING) delete deciding[field];
  return digestOf(deciding);
}

/** The states' names for a step, as the runs API and the console find them in a history. */
export interface ReuseStateNames {
  readonly check: string;
  readonly reusable: string;
  readonly reused: string;
  readonly save: string;
}

export const reuseStateNamesOf = (stepId: string): ReuseStateNames => ({
  check: derivedStateName(stepId, 'reuse check'),
  reusable: derivedStateName(stepId, 'reusable?'),
  reused: derivedStateName(stepId, 'reused'),
  save: derivedStateName(stepId, 'save for reuse'),
});

/** Hashing a large input takes a while; S3 errors are worth a retry, a damaged record is not. */
export const REUSE_TASK_TIMEOUT_SECONDS = 900;
export const REUSE_TASK_ATTEMPTS = 3;
const REUSE_RETRY: Retrier[] = [
  { ErrorEquals: [ERRORS.permanent], MaxAttempts: 0 },
  { ErrorEquals: [ERRORS.all], MaxAttempts: REUSE_TASK_ATTEMPTS - 1, IntervalSeconds: 2 },
];

/**
 * The reuse states of step `id`, around its own state (named `id`, which goes to `save` instead of
 * `next`). Returns them and the name a run enters the step by.
 */
export function reuseStates(graph: PipelineGraph, id: string, step: Step, transitionToNext: { Next: string } | { End: true }): { states: Record<string, State>; entry: string } {
  const names = reuseStateNamesOf(id);
  const f = STEP_EVENT_FIELDS;
  const event = stepEventParameters({ graph, id, step });
  const common = { [f.pipeline]: graph.name, [f.step]: id, [`${f.runId}.$`]: '$$.Execution.Name', [`${f.input}.$`]: '$.input' };
  const check: JsonObject = {
    action: 'check',
    ...common,
    [f.dependencies]: event[f.dependencies] ?? {},
    spec: specDigestOf(step),
    parameters: digestOf(step.parameters ?? {}),
    code: ref(codeIdentityPlaceholder(id)),
    reads: 'access' in step ? [...(step.access?.read ?? [])] : [],
    ...('inputs' in step && step.inputs !== undefined ? { inputs: [...step.inputs] } : {}),
  };
  const task = { Type: 'Task', Resource: ref(PLACEHOLDERS.stepReuseFunction), TimeoutSeconds: REUSE_TASK_TIMEOUT_SECONDS, Retry: REUSE_RETRY } as const;
  const states: Record<string, State> = {
    [names.check]: {
      ...task,
      Comment: `Is there a finished run of "${id}" with the same fingerprint? (docs/reuse.md)`,
      Parameters: check,
      ResultPath: `$.steps.${id}`,
      Next: names.reusable,
    },
    [names.reusable]: { Type: 'Choice', Choices: [{ Variable: `$.steps.${id}.reused`, BooleanEquals: true, Next: names.reused }], Default: id },
    [names.reused]: {
      Type: 'Pass',
      Comment: `"${id}" reused: its outputs were copied into this run`,
      InputPath: `$.steps.${id}.result`,
      ResultPath: `$.steps.${id}`,
      ...transitionToNext,
    },
    [names.save]: {
      ...task,
      Comment: `Record "${id}"'s outputs and result for later runs`,
      Parameters: { action: 'save', ...common, [f.dependencies]: {}, 'result.$': `$.steps.${id}` },
      ResultPath: null,
      ...transitionToNext,
    },
  };
  return { states, entry: names.check };
}
