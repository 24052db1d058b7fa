/**
 * Plan → ASL. Run state shape: `{ input, steps: { <id>: result }, failed?: { <id>: error } }`, where
 * `steps` holds only the results later steps still read, and the leaves' (state-layout.ts).
 * Each step is one Task state named after it. A Parallel passes its branches what they read and
 * picks from them what later states read; it merges their `failed` maps with States.JsonMerge.
 */
import { ERRORS } from '../contract/errors';
import { mapResultsPrefixExpression, S3_GET_OBJECT, S3_PUT_OBJECT } from '../contract/map-items';
import { PLACEHOLDERS, ref } from '../contract/placeholders';
import { resolveStep } from '../graph/resolve-step';
import { isReused } from '../graph/reuse';
import type { ForEach, PipelineGraph, Step } from '../graph/schema';
import { defined } from '../shared/defined';
import { InvariantError } from '../shared/errors';
import { emptyRecord, ownValue } from '../shared/records';
import type { Branch, Catcher, ChoiceCondition, JsonObject, MapState, ParallelState, State, StateMachineDefinition, TaskState, Transition } from './asl';
import { buildTask, resultBytesOf } from './kinds/registry';
import { eventDependenciesOf } from './kinds/task';
import {
  CHECK_FAILURES_STATE,
  DONE_STATE,
  derivedStateName,
  dropStateName,
  mapItemStateName,
  PREPARE_STATE,
  parallelStateName,
  STEPS_FAILED_STATE,
  SUMMARISE_FAILURES_STATE,
} from './names';
import { type Block, stepsOf } from './plan/blocks';
import { renderRetry } from './policies';
import { reuseStateNamesOf, reuseStates } from './reuse';
import { type BlockLayout, layOutState } from './state-layout';

type States = Record<string, State>;
/** Where a rendered chain goes next: a state name, or the end of its (sub-)machine. */
type Next = string | undefined;

const transition = (next: Next): Transition => (next === undefined ? { End: true } : { Next: next });

export interface RenderContext {
  readonly graph: PipelineGraph;
  /** Steps whose failure is recorded rather than fatal: `continue` steps and those skipped after them. */
  readonly softFailing: ReadonlySet<string>;
  /** Collects the states a run enters only when a step fails (see RenderedDefinition). */
  readonly failurePath: Set<string>;
  readonly layout: ReadonlyMap<Block, BlockLayout>;
}

export interface RenderedDefinition {
  readonly definition: StateMachineDefinition;
  /** States a run enters only when a step fails or is skipped: left out of the per-run estimates. */
  readonly failurePathStates: ReadonlySet<string>;
  /** The largest run state, estimated from what each step kind returns (state-layout.ts). */
  readonly largestStateBytes: number;
}

export function softFailingSteps(graph: PipelineGraph, order: readonly string[]): Set<string> {
  const soft = new Set<string>();
  for (const id of order) {
    const step = graph.steps[id];
    if (step === undefined) continue;
    if (resolveStep(graph, step).onFailure === 'continue' || (step.dependsOn ?? []).some((dep) => soft.has(dep))) soft.add(id);
  }
  return soft;
}

export function renderDefinition(graph: PipelineGraph, plan: Block, softFailing: ReadonlySet<string>): RenderedDefinition {
  // A result sits in the state as `"<id>":<result>,`.
  const layout = layOutState(graph, plan, (id) => Buffer.byteLength(JSON.stringify(id)) + 2 + resultBytesOf(defined(graph.steps[id], `step ${id}`)));
  const context: RenderContext = { graph, softFailing, failurePath: new Set(), layout: layout.blocks };
  const states: States = emptyRecord();
  const hasSoftFailures = softFailing.size > 0;
  const bodyEnd: Next = hasSoftFailures ? CHECK_FAILURES_STATE : undefined;
  const first = renderBlock(plan, bodyEnd, states, context);
  const all: States = Object.assign(emptyRecord<State>(), {
    [PREPARE_STATE]: {
      Type: 'Pass',
      Comment: 'Keep the run input under $.input; step results go under $.steps.',
      Parameters: { 'input.$': '$', steps: {}, ...(hasSoftFailures ? { failed: {} } : {}) },
      Next: first,
    } satisfies State,
  });
  Object.assign(all, states);
  if (hasSoftFailures) {
    const continueSteps = [...softFailing].filter((id) => resolveStep(graph, defined(graph.steps[id], `step ${id}`)).onFailure === 'continue');
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
    context.failurePath.add(SUMMARISE_FAILURES_STATE).add(STEPS_FAILED_STATE);
  }
  return {
    definition: {
      Comment: `${graph.name}${graph.description === undefined ? '' : `: ${graph.description}`} (compiled by Orchestra; edit the graph, not this file)`,
      ...inRunOrder({ StartAt: PREPARE_STATE, States: all }),
    },
    failurePathStates: context.failurePath,
    largestStateBytes: layout.largestStateBytes,
  };
}

/** Names a state may go to next, in the order a reader meets them. */
function successorsOf(state: State): string[] {
  switch (state.Type) {
    case 'Choice':
      return [state.Default, ...state.Choices.map((choice) => choice.Next)];
    case 'Task':
    case 'Map':
      return [...(state.Next === undefined ? [] : [state.Next]), ...(state.Catch ?? []).map((c) => c.Next)];
    case 'Pass':
    case 'Parallel':
      return state.Next === undefined ? [] : [state.Next];
    case 'Succeed':
    case 'Fail':
      return [];
  }
}

/** States listed in the order a run meets them (they are rendered back to front), so the file reads top-down. */
function inRunOrder(branch: Branch): Branch {
  const ordered: States = emptyRecord();
  const visit = [branch.StartAt];
  for (let name = visit.shift(); name !== undefined; name = visit.shift()) {
    const state = ownValue(branch.States, name);
    if (state === undefined || Object.hasOwn(ordered, name)) continue;
    ordered[name] = state.Type === 'Parallel' ? { ...state, Branches: state.Branches.map(inRunOrder) } : state;
    visit.push(...successorsOf(state));
  }
  return { StartAt: branch.StartAt, States: ordered };
}

function anyPresent(paths: readonly string[]): ChoiceCondition {
  const rules = paths.map((path) => ({ Variable: path, IsPresent: true }));
  return rules.length === 1 ? defined(rules[0]) : { Or: rules };
}

/** Renders `block` into `states`, ending at `next`; returns the name of its first state. */
function renderBlock(block: Block, next: Next, states: States, context: RenderContext): string {
  const start = renderBlockStates(block, next, states, context);
  const keep = layoutOf(block, context).keepBefore;
  if (keep === undefined) return start;
  const drop = dropStateName(stepsOf(block));
  states[drop] = { Type: 'Pass', Comment: 'Keep only the results later steps read.', Parameters: keptState(keep, context), Next: start };
  return drop;
}

function renderBlockStates(block: Block, next: Next, states: States, context: RenderContext): string {
  switch (block.type) {
    case 'step':
      return renderStep(block.id, next, states, context);
    case 'series': {
      let after = next;
      for (const inner of [...block.blocks].reverse()) after = renderBlock(inner, after, states, context);
      return defined(after, 'a series block with no blocks');
    }
    case 'parallel': {
      const name = parallelStateName(stepsOf(block));
      const branches = block.blocks.map((branch): Branch => {
        const branchStates: States = emptyRecord();
        const start = renderBlock(branch, undefined, branchStates, context);
        return { StartAt: start, States: branchStates };
      });
      const { keepInto, picks } = layoutOf(block, context);
      const merge = (key: string): string => branches.slice(1).reduce((expression, _, i) => `States.JsonMerge(${expression},$[${i + 1}].${key},false)`, `$[0].${key}`);
      const selector: JsonObject = { 'input.$': '$[0].input' };
      if (picks === undefined) selector['steps.$'] = merge('steps');
      else selector['steps'] = pickResults(picks.keys(), (id) => `$[${picks.get(id)}]`);
      if (context.softFailing.size > 0) selector['failed.$'] = merge('failed');
      const parallel: ParallelState = {
        Type: 'Parallel',
        ...(keepInto === undefined ? {} : { Parameters: keptState(keepInto, context) }),
        Branches: branches,
        ResultSelector: selector,
        ...transition(next),
      };
      states[name] = parallel;
      return name;
    }
  }
}

const layoutOf = (block: Block, context: RenderContext): BlockLayout => defined(context.layout.get(block), 'the layout of a block');

/** `{ "<id>.$": "<from(id)>.steps.<id>" }`: results picked one by one, so the others are dropped. */
function pickResults(ids: Iterable<string>, from: (id: string) => string): JsonObject {
  const steps: JsonObject = emptyRecord();
  for (const id of ids) steps[`${id}.$`] = `${from(id)}.steps.${id}`;
  return steps;
}

/** Parameters that rebuild the run state holding only the `keep` results. */
function keptState(keep: ReadonlySet<string>, context: RenderContext): JsonObject {
  return { 'input.$': '$.input', steps: pickResults(keep, () => '$'), ...(context.softFailing.size > 0 ? { 'failed.$': '$.failed' } : {}) };
}

/**
 * A `forEach` step: its Task, retries and timeout per item, inside a Map over the list. The
 * ItemSelector gives each item the run state's shape (input, the dependencies' results) plus the item,
 * so the Task's Parameters are the same as without forEach. An array in the state runs as an inline
 * Map; a list in S3 as a Distributed Map that reads it (ItemReader) and writes the results to S3
 * (ResultWriter) — the run state only ever holds where they are.
 */
function mapState(
  graph: PipelineGraph,
  id: string,
  step: Step,
  forEach: ForEach,
  taskFields: Omit<TaskState, 'Type' | 'ResultPath' | 'Next' | 'End'>,
  catchers: Catcher[] | undefined,
  next: Next,
): MapState {
  const dependencies: JsonObject = {};
  for (const dep of eventDependenciesOf(step)) dependencies[`${dep}.$`] = `$.steps.${dep}`;
  const item = mapItemStateName(id);
  // ResultPath "$": an item's output is its Task's result, which the Map collects (inline) or writes (distributed).
  const processor = { StartAt: item, States: { [item]: { Type: 'Task', ...taskFields, ResultPath: '$', End: true } satisfies TaskState } };
  // The run's id from here, where $$.Execution.Name is the run: inside a Distributed Map it is the item's child execution.
  const selector: JsonObject = { 'input.$': '$.input', steps: dependencies, 'item.$': '$$.Map.Item.Value', 'itemIndex.$': '$$.Map.Item.Index', 'runId.$': '$$.Execution.Name' };
  const head = { Type: 'Map', ...(step.description === undefined ? {} : { Comment: step.description }) } as const;
  const tail = {
    ...(forEach.maxConcurrency === undefined ? {} : { MaxConcurrency: forEach.maxConcurrency }),
    ResultPath: `$.steps.${id}`,
    ...(catchers === undefined ? {} : { Catch: catchers }),
    ...transition(next),
  };
  if (forEach.manifest === undefined)
    return {
      ...head,
      ItemsPath: `$.steps.${forEach.from}.${forEach.items}`,
      ItemSelector: selector,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...processor },
      ...tail,
    };
  const list = `$.steps.${forEach.from}.${forEach.manifest}`;
  return {
    ...head,
    ItemReader: { Resource: S3_GET_OBJECT, ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket.$': `${list}.bucket`, 'Key.$': `${list}.key` } },
    ItemSelector: selector,
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...processor },
    ...(forEach.toleratedFailurePercentage === undefined ? {} : { ToleratedFailurePercentage: forEach.toleratedFailurePercentage }),
    ResultWriter: { Resource: S3_PUT_OBJECT, Parameters: { Bucket: ref(PLACEHOLDERS.dataBucket), 'Prefix.$': mapResultsPrefixExpression(graph.name, id) } },
    ResultSelector: { 'mapRunArn.$': '$.MapRunArn', 'results.$': '$.ResultWriterDetails' },
    ...tail,
  };
}

function renderStep(id: string, next: Next, states: States, context: RenderContext): string {
  const { graph, softFailing, failurePath } = context;
  const step = graph.steps[id];
  if (step === undefined) throw new InvariantError(`the plan names unknown step "${id}"`);
  const task = buildTask({ graph, id, step });
  const retry = renderRetry(resolveStep(graph, step).retry);
  let catchers: Catcher[] | undefined;
  const failed = derivedStateName(id, 'failed');
  if (softFailing.has(id)) {
    // The error also stands in for the result under $.steps, where later states pick results by path.
    states[failed] = {
      Type: 'Pass',
      Comment: `"${id}" failed or was skipped; its error is under $.failed.${id}`,
      InputPath: `$.failed.${id}`,
      ResultPath: `$.steps.${id}`,
      ...transition(next),
    };
    failurePath.add(failed);
  }
  if (resolveStep(graph, step).onFailure === 'continue') catchers = [{ ErrorEquals: [ERRORS.all], ResultPath: `$.failed.${id}`, Next: failed }];
  const taskFields = {
    Resource: task.Resource,
    Parameters: task.Parameters,
    ...(task.ResultSelector === undefined ? {} : { ResultSelector: task.ResultSelector }),
    TimeoutSeconds: resolveStep(graph, step).timeoutSeconds,
    ...(task.HeartbeatSeconds === undefined ? {} : { HeartbeatSeconds: task.HeartbeatSeconds }),
    ...(retry === undefined ? {} : { Retry: retry }),
  };
  const forEach = 'forEach' in step ? step.forEach : undefined;
  // A reused step's own state goes on to save its result; the run enters it through the reuse check.
  const reuse = isReused(graph, step) ? reuseStates(graph, id, step, transition(next)) : undefined;
  const afterStep = reuse === undefined ? transition(next) : { Next: reuseStateNamesOf(id).save };
  states[id] =
    forEach === undefined
      ? ({
          Type: 'Task',
          ...(step.description === undefined ? {} : { Comment: step.description }),
          ...taskFields,
          ResultPath: `$.steps.${id}`,
          ...(catchers === undefined ? {} : { Catch: catchers }),
          ...afterStep,
        } satisfies TaskState)
      : mapState(graph, id, step, forEach, taskFields, catchers, next);
  if (reuse !== undefined) Object.assign(states, reuse.states);
  const entry = reuse?.entry ?? id;

  const softDeps = (step.dependsOn ?? []).filter((dep) => softFailing.has(dep));
  if (softDeps.length === 0) return entry;
  const check = derivedStateName(id, 'check dependencies');
  const skipped = derivedStateName(id, 'skipped');
  states[check] = { Type: 'Choice', Choices: [{ ...anyPresent(softDeps.map((dep) => `$.failed.${dep}`)), Next: skipped }], Default: entry };
  states[skipped] = {
    Type: 'Pass',
    Result: { Error: ERRORS.dependencyFailed, Cause: `skipped: a dependency of "${id}" (${softDeps.join(', ')}) failed or was skipped` },
    ResultPath: `$.failed.${id}`,
    Next: failed,
  };
  failurePath.add(skipped);
  return check;
}
