/**
 * Plan → ASL. Run state shape: `{ input, steps: { <id>: result }, failed?: { <id>: error } }`.
 * Each step is one Task state named after it. A Parallel state merges its branches' `steps`
 * (and `failed`) maps back into one with States.JsonMerge in its ResultSelector: no extra state.
 */
import { ERRORS } from '../contract/errors';
import type { PipelineGraph } from '../graph/schema';
import type { JsonObject, StateMachineDefinition } from './asl-types';
import { CHECK_FAILURES_STATE, DONE_STATE, derivedStateName, PREPARE_STATE, parallelStateName, STEPS_FAILED_STATE, SUMMARISE_FAILURES_STATE } from './names';
import { type Block, stepsOf } from './plan/blocks';
import { effectiveOnFailure, effectiveRetry, effectiveTimeout, renderRetry } from './policies';
import { buildTask } from './steps';

type States = Record<string, JsonObject>;
/** Where a rendered chain goes next: a state name, or the end of its (sub-)machine. */
type Next = string | undefined;

const transition = (next: Next): JsonObject => (next === undefined ? { End: true } : { Next: next });

export interface RenderContext {
  readonly graph: PipelineGraph;
  /** Steps whose failure is recorded rather than fatal: `continue` steps and those skipped after them. */
  readonly softFailing: ReadonlySet<string>;
}

export function softFailingSteps(graph: PipelineGraph, order: readonly string[]): Set<string> {
  const soft = new Set<string>();
  for (const id of order) {
    const step = graph.steps[id];
    if (step === undefined) continue;
    if (effectiveOnFailure(graph, step) === 'continue' || (step.dependsOn ?? []).some((dep) => soft.has(dep))) soft.add(id);
  }
  return soft;
}

export function renderDefinition(graph: PipelineGraph, plan: Block, softFailing: ReadonlySet<string>): StateMachineDefinition {
  const context: RenderContext = { graph, softFailing };
  const states: States = {};
  const hasSoftFailures = softFailing.size > 0;
  const bodyEnd: Next = hasSoftFailures ? CHECK_FAILURES_STATE : undefined;
  const first = renderBlock(plan, bodyEnd, states, context);
  const prepare: JsonObject = {
    Type: 'Pass',
    Comment: 'Keep the run input under $.input; step results go under $.steps.',
    Parameters: { 'input.$': '$', steps: {}, ...(hasSoftFailures ? { failed: {} } : {}) },
    Next: first,
  };
  const all: States = { [PREPARE_STATE]: prepare, ...states };
  if (hasSoftFailures) {
    const continueSteps = [...softFailing].filter((id) => effectiveOnFailure(graph, graph.steps[id] as NonNullable<(typeof graph.steps)[string]>) === 'continue');
    all[CHECK_FAILURES_STATE] = {
      Type: 'Choice',
      Comment: 'Steps with onFailure "continue" let independent steps finish; the run still fails if any of them failed.',
      Choices: [{ ...anyPresent(continueSteps.map((id) => `$.failed.${id}`)), Next: SUMMARISE_FAILURES_STATE }],
      Default: DONE_STATE,
    };
    // A separate Pass builds the cause: intrinsic functions in a Fail's CausePath are not portable.
    all[SUMMARISE_FAILURES_STATE] = { Type: 'Pass', Parameters: { 'cause.$': 'States.JsonToString($.failed)' }, Next: STEPS_FAILED_STATE };
    all[STEPS_FAILED_STATE] = { Type: 'Fail', Error: ERRORS.stepsFailed, CausePath: '$.cause' };
    all[DONE_STATE] = { Type: 'Succeed' };
  }
  return {
    Comment: `${graph.name}${graph.description === undefined ? '' : `: ${graph.description}`} (compiled by Orchestra; edit the graph, not this file)`,
    StartAt: PREPARE_STATE,
    States: inRunOrder(all, PREPARE_STATE),
  };
}

/** States listed in the order a run meets them (they are rendered back to front), so the file reads top-down. */
function inRunOrder(states: States, start: string): States {
  const ordered: States = {};
  const visit = [start];
  while (visit.length > 0) {
    const name = visit.shift() as string;
    const state = states[name];
    if (state === undefined || name in ordered) continue;
    if (state['Type'] === 'Parallel') {
      state['Branches'] = (state['Branches'] as unknown as Array<{ StartAt: string; States: States }>).map((b) => ({
        StartAt: b.StartAt,
        States: inRunOrder(b.States, b.StartAt),
      }));
    }
    ordered[name] = state;
    const choices = (state['Choices'] as Array<{ Next: string }> | undefined) ?? [];
    const catches = (state['Catch'] as Array<{ Next: string }> | undefined) ?? [];
    for (const next of [state['Default'], ...choices.map((c) => c.Next), state['Next'], ...catches.map((c) => c.Next)]) {
      if (typeof next === 'string') visit.push(next);
    }
  }
  return ordered;
}

function anyPresent(paths: readonly string[]): JsonObject {
  const rules = paths.map((path) => ({ Variable: path, IsPresent: true }));
  return rules.length === 1 ? (rules[0] as JsonObject) : { Or: rules };
}

/** Renders `block` into `states`, ending at `next`; returns the name of its first state. */
function renderBlock(block: Block, next: Next, states: States, context: RenderContext): string {
  switch (block.type) {
    case 'step':
      return renderStep(block.id, next, states, context);
    case 'series': {
      let after = next;
      for (let i = block.blocks.length - 1; i >= 0; i--) after = renderBlock(block.blocks[i] as Block, after, states, context);
      return after as string;
    }
    case 'parallel': {
      const name = parallelStateName(stepsOf(block));
      const branches = block.blocks.map((branch) => {
        const branchStates: States = {};
        const start = renderBlock(branch, undefined, branchStates, context);
        return { StartAt: start, States: branchStates };
      });
      const merge = (key: string): string => branches.slice(1).reduce((expression, _, i) => `States.JsonMerge(${expression},$[${i + 1}].${key},false)`, `$[0].${key}`);
      const selector: JsonObject = { 'input.$': '$[0].input', 'steps.$': merge('steps') };
      if (context.softFailing.size > 0) selector['failed.$'] = merge('failed');
      states[name] = { Type: 'Parallel', Branches: branches as unknown as JsonObject[], ResultSelector: selector, ...transition(next) };
      return name;
    }
  }
}

function renderStep(id: string, next: Next, states: States, context: RenderContext): string {
  const { graph, softFailing } = context;
  const step = graph.steps[id];
  if (step === undefined) throw new Error(`plan names unknown step "${id}"`);
  const task = buildTask({ graph, id, step });
  const retry = renderRetry(effectiveRetry(graph, step));
  const state: JsonObject = {
    Type: 'Task',
    ...(step.description === undefined ? {} : { Comment: step.description }),
    Resource: task.Resource,
    Parameters: task.Parameters,
    ...(task.ResultSelector === undefined ? {} : { ResultSelector: task.ResultSelector }),
    ResultPath: `$.steps.${id}`,
    TimeoutSeconds: effectiveTimeout(graph, step),
    ...(retry === undefined ? {} : { Retry: retry }),
  };
  if (effectiveOnFailure(graph, step) === 'continue') {
    const failed = derivedStateName(id, 'failed');
    state['Catch'] = [{ ErrorEquals: [ERRORS.all], ResultPath: `$.failed.${id}`, Next: failed }];
    states[failed] = { Type: 'Pass', Comment: `"${id}" failed; its error is under $.failed.${id}`, ...transition(next) };
  }
  states[id] = { ...state, ...transition(next) };

  const softDeps = (step.dependsOn ?? []).filter((dep) => softFailing.has(dep));
  if (softDeps.length === 0) return id;
  const check = derivedStateName(id, 'check dependencies');
  const skipped = derivedStateName(id, 'skipped');
  states[check] = { Type: 'Choice', Choices: [{ ...anyPresent(softDeps.map((dep) => `$.failed.${dep}`)), Next: skipped }], Default: id };
  states[skipped] = {
    Type: 'Pass',
    Result: { Error: ERRORS.dependencyFailed, Cause: `skipped: a dependency of "${id}" (${softDeps.join(', ')}) failed or was skipped` },
    ResultPath: `$.failed.${id}`,
    ...transition(next),
  };
  return check;
}
