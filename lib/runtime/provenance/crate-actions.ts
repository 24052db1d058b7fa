/**
 * Retrospective provenance in a run's crate (./run-crate.ts): who started the run, the run itself,
 * each attempt of each step (a `CreateAction` of its tool), each step's orchestration (a
 * `ControlAction`), Orchestra's own (an `OrganizeAction`), and the files and input they used.
 */
import type { InvocationUsage, StepOutcome } from '../../contract/run-answers';
import { inputObjectPatterns } from '../../contract/step-access';
import { wildcardMatch } from '../../shared/wildcard';
import type { StepAttempt } from '../step-attempts';
import { type Entity, measured, PARAMETERS, property, type Ref, ref, toolOf, WORKFLOW_FILE } from './crate-entities';
import type { CrateFile, RunFacts } from './run-crate';

const AGENTS: Readonly<Record<string, string>> = {
  upload: 'an upload to the ingest prefix (its trigger)',
  api: 'a caller of the runs API',
  schedule: 'the pipeline schedule',
  cli: 'orchestra run (the command line)',
  keyed: 'the keyed trigger of its data items',
  pipeline: 'a pipeline step of another run',
};

const STATUS = {
  completed: ref('http://schema.org/CompletedActionStatus'),
  failed: ref('http://schema.org/FailedActionStatus'),
  active: ref('http://schema.org/ActiveActionStatus'),
} as const;

const statusOf = (status: string): Ref => (status === 'SUCCEEDED' ? STATUS.completed : status === 'RUNNING' || status === 'PENDING' ? STATUS.active : STATUS.failed);
const errorText = (error: string | undefined, cause: string | undefined): string => `${error ?? 'Error'}: ${cause ?? ''}`;

function fileEntity(file: CrateFile, exampleOf: readonly string[]): Entity {
  return {
    '@id': file.id,
    '@type': 'File',
    contentSize: String(file.size),
    ...(file.sha256 === undefined ? {} : { sha256: file.sha256 }),
    ...(file.etag === undefined ? {} : { identifier: `etag:${file.etag}` }),
    ...(file.versionId === undefined ? {} : { version: file.versionId }),
    ...(exampleOf.length === 0 ? {} : { exampleOfWork: exampleOf.map(ref) }),
  };
}

/** What an invocation used, as `resourceUsage` property values (the ones measured; see InvocationUsage). */
function usageEntities(actionId: string, usage: InvocationUsage | undefined): Entity[] {
  if (usage === undefined) return [];
  const figures: Entity[] = [measured(actionId, 'durationMs', usage.durationMs, 'MilliSEC')];
  if (usage.billedDurationMs !== undefined) figures.push(measured(actionId, 'billedDurationMs', usage.billedDurationMs, 'MilliSEC'));
  if (usage.cpuMs !== undefined) figures.push(measured(actionId, 'cpuMs', usage.cpuMs, 'MilliSEC'));
  if (usage.maxMemoryMb !== undefined) figures.push(measured(actionId, 'maxMemoryMb', usage.maxMemoryMb, 'MegaBYTE'));
  if (usage.memorySizeMb !== undefined) figures.push(measured(actionId, 'memorySizeMb', usage.memorySizeMb, 'MegaBYTE'));
  if (usage.initDurationMs !== undefined) figures.push(measured(actionId, 'initDurationMs', usage.initDurationMs, 'MilliSEC'));
  return figures;
}

/** How an invocation's figures were measured (InvocationUsage's measuredBy and scope), beside them. */
const measuredBy = (actionId: string, usage: InvocationUsage): Entity =>
  property(
    actionId,
    'measuredBy',
    `${usage.measuredBy}${usage.scope === 'process' ? " (the Orchestra process's figures while the handler ran alone: an upper bound)" : ''}${usage.note === undefined ? '' : ` — ${usage.note}`}`,
  );

/**
 * Each measured invocation beside the attempt it measured. Both lists are in the order they ended;
 * only when they are as long as each other (a step whose invocations were all measured and listed)
 * can they be paired honestly.
 */
function pairUsage(attempts: readonly StepAttempt[], outcome: StepOutcome): ReadonlyMap<StepAttempt, InvocationUsage> {
  const used = outcome.usage ?? [];
  if (used.length !== attempts.length || outcome.usageOmitted !== undefined) return new Map();
  const pairs = new Map<StepAttempt, InvocationUsage>();
  const ended = [...attempts].sort((a, b) => (a.stoppedAt ?? '').localeCompare(b.stoppedAt ?? ''));
  ended.forEach((attempt, index) => {
    const usage = used[index];
    if (usage !== undefined) pairs.set(attempt, usage);
  });
  return pairs;
}

interface StepContext {
  readonly facts: RunFacts;
  readonly id: string;
  readonly outcome: StepOutcome;
  readonly agent: Ref;
  /** What the step read: the run's input files and input, and its dependencies' outputs. */
  readonly read: readonly Ref[];
  /** What it wrote (the files in its folder). */
  readonly wrote: readonly Ref[];
}

/** One run of a step's tool as the crate tells it: an attempt, a reuse, or the step's outcome alone. */
interface ToolRun {
  readonly status: StepAttempt['status'];
  readonly startedAt?: string | undefined;
  readonly stoppedAt?: string | undefined;
  readonly error?: string | undefined;
  readonly cause?: string | undefined;
  /** The code identity it ran: the step's, or the image digest its task reported. */
  readonly code: string | undefined;
  /** Its step's last run: the files in the step's folder are its results. */
  readonly last: boolean;
}

/** One CreateAction of the step's tool, with its properties and resource usage. */
function toolRun(context: StepContext, actionId: string, name: string, ran: ToolRun, usage: InvocationUsage | undefined): Entity[] {
  const { id, outcome } = context;
  const properties = [
    ...(ran.code === undefined ? [] : [property(actionId, 'codeIdentity', ran.code)]),
    ...(outcome.reusedFrom === undefined ? [] : [property(actionId, 'reusedFrom', outcome.reusedFrom)]),
    ...(usage === undefined ? [] : [measuredBy(actionId, usage)]),
  ];
  const figures = usageEntities(actionId, usage);
  const action: Entity = {
    '@id': actionId,
    '@type': 'CreateAction',
    name,
    instrument: ref(toolOf(id)),
    agent: context.agent,
    ...(ran.startedAt === undefined ? {} : { startTime: ran.startedAt }),
    ...(ran.stoppedAt === undefined ? {} : { endTime: ran.stoppedAt }),
    actionStatus: statusOf(ran.status),
    ...(ran.status === 'SUCCEEDED' || ran.status === 'RUNNING'
      ? {}
      : { error: ran.status === 'ABORTED' ? `the run ended during this attempt (${context.facts.status})` : errorText(ran.error, ran.cause) }),
    object: context.read,
    // The step's folder holds what its last attempt left (earlier attempts' files were overwritten or are
    // its too); a forEach step's items write into one folder without saying which wrote what, so its files
    // go with its last invocation.
    result: ran.last ? context.wrote : [],
    ...(properties.length === 0 ? {} : { additionalProperty: properties.map((p) => ref(p['@id'])) }),
    ...(figures.length === 0 ? {} : { resourceUsage: figures.map((f) => ref(f['@id'])) }),
  };
  return [action, ...properties, ...figures];
}

/** The step's tool runs: one per attempt (a forEach step's items' too), or the reuse that stood for them. */
function stepRuns(context: StepContext): Entity[] {
  const { facts, id, outcome } = context;
  const base = `#run-${facts.runId}/step/${id}`;
  const code = facts.description.steps[id]?.codeIdentity;
  if (outcome.reusedFrom !== undefined)
    return toolRun(
      context,
      `${base}/reused`,
      `${id} of run ${facts.runId}, reused from run ${outcome.reusedFrom.runId}`,
      { ...outcome, status: 'SUCCEEDED', code, last: true },
      undefined,
    );
  const itemState = facts.description.steps[id]?.itemState;
  const attempts = [...(facts.attempts[id] ?? []), ...(itemState === undefined ? [] : (facts.attempts[itemState] ?? []))];
  if (attempts.length === 0) {
    // No Task of its own ran (its reuse check failed, say): the step's outcome is all there is.
    const status = outcome.status === 'SKIPPED' ? 'ABORTED' : outcome.status === 'PENDING' ? 'RUNNING' : outcome.status;
    return toolRun(context, base, `${id} of run ${facts.runId}`, { ...outcome, status, code, last: true }, undefined);
  }
  const usage = pairUsage(attempts, outcome);
  return attempts.flatMap((attempt, index) =>
    toolRun(
      context,
      `${base}/attempt-${index + 1}`,
      `${id} of run ${facts.runId}, ${itemState === undefined ? 'attempt' : 'invocation'} ${index + 1} of ${attempts.length}`,
      { ...attempt, code: attempt.imageDigest === undefined ? code : `image ${attempt.imageDigest}`, last: index === attempts.length - 1 },
      usage.get(attempt),
    ),
  );
}

const ranAtAll = (outcome: StepOutcome | undefined): outcome is StepOutcome =>
  outcome !== undefined && outcome.status !== 'PENDING' && !(outcome.status === 'SKIPPED' && outcome.attempts === 0 && outcome.reusedFrom === undefined);

/**
 * The run's input files a step reads: those its `inputs` name (patterns under an input prefix, as its
 * role is granted them: lib/contract/step-access.ts), else all of them.
 */
function inputsReadBy(facts: RunFacts, patterns: readonly string[] | undefined): Ref[] {
  // Each granted pattern made once, not once per file.
  const granted = patterns === undefined ? undefined : inputObjectPatterns(facts.description.inputPrefixes ?? [''], patterns).map((pattern) => `s3://*/${pattern}`);
  const files = granted === undefined ? facts.inputs : facts.inputs.filter((file) => granted.some((pattern) => wildcardMatch(pattern, file.id)));
  return files.map((file) => ref(file.id));
}

/** Every step that ran: its tool runs and the ControlAction orchestrating them (steps never started have neither, as the profile asks). */
function stepEntities(facts: RunFacts, agent: Ref, runInput: readonly Ref[]): { readonly controls: Entity[]; readonly runs: Entity[] } {
  const controls: Entity[] = [];
  const runs: Entity[] = [];
  const outputsOf = new Map<string, Ref[]>();
  for (const file of facts.outputs) if (file.step !== undefined) (outputsOf.get(file.step) ?? outputsOf.set(file.step, []).get(file.step))?.push(ref(file.id));
  for (const [id, step] of Object.entries(facts.description.steps)) {
    const outcome = facts.steps[id];
    if (!ranAtAll(outcome)) continue;
    const dependencyOutputs = step.dependsOn.flatMap((dependency) => outputsOf.get(dependency) ?? []);
    const entities = stepRuns({ facts, id, outcome, agent, read: [...inputsReadBy(facts, step.inputs), ...runInput, ...dependencyOutputs], wrote: outputsOf.get(id) ?? [] });
    runs.push(...entities);
    const cost = facts.cost?.steps[id];
    const controlId = `#control/${id}`;
    const properties = [property(controlId, 'attempts', outcome.attempts), ...(cost === undefined ? [] : [property(controlId, 'costUsd', cost.usd)])];
    controls.push(
      {
        '@id': controlId,
        '@type': 'ControlAction',
        name: `orchestrate ${id}`,
        instrument: ref(`#step/${id}`),
        object: entities.filter((entity) => entity['@type'] === 'CreateAction').map((action) => ref(action['@id'])),
        actionStatus: statusOf(outcome.status),
        ...(outcome.status === 'FAILED' || outcome.status === 'ABORTED' ? { error: errorText(outcome.error, outcome.cause ?? `the run ended (${facts.status})`) } : {}),
        additionalProperty: properties.map((p) => ref(p['@id'])),
      },
      ...properties,
    );
  }
  return { controls, runs };
}

/** Retrospective provenance: who ran it, the run, each step's runs and their orchestration, their files. */
export function runEntities(facts: RunFacts): Entity[] {
  const { pipeline, runId } = facts;
  const runAction = `#run-${runId}`;
  const engineId = `#engine-${facts.engine.name.toLowerCase()}`;
  const agent = ref(`#agent-${facts.source}`);
  const runInput = property(runAction, 'input', facts.input);
  const { controls, runs } = stepEntities(facts, agent, [ref(runInput['@id'])]);
  const read = [...facts.inputs.map((file) => ref(file.id)), ref(runInput['@id'])];
  const runProperties =
    facts.cost === undefined
      ? []
      : [property(runAction, 'costUsd', facts.cost.totalUsd), property(runAction, 'costBasis', facts.cost.basis), property(runAction, 'pricesAsOf', facts.cost.prices.asOf)];
  const times = { startTime: facts.startedAt, ...(facts.stoppedAt === undefined ? {} : { endTime: facts.stoppedAt }) };
  const ended = facts.status !== 'RUNNING';
  return [
    {
      '@id': engineId,
      '@type': 'SoftwareApplication',
      name: `${facts.engine.name} ${facts.engine.version}`,
      version: facts.engine.version,
      description: `on ${facts.engine.target === 'aws' ? 'AWS Step Functions' : 'the embedded local runtime'}`,
    },
    { '@id': agent['@id'], '@type': 'SoftwareApplication', name: AGENTS[facts.source] ?? facts.source },
    {
      '@id': `#organize-${runId}`,
      '@type': 'OrganizeAction',
      name: `${facts.engine.name} running ${pipeline}`,
      agent,
      instrument: ref(engineId),
      object: controls.filter((entity) => entity['@type'] === 'ControlAction').map((control) => ref(control['@id'])),
      result: ref(runAction),
      ...times,
      ...(ended ? { actionStatus: STATUS.completed } : {}),
    },
    {
      '@id': runAction,
      '@type': 'CreateAction',
      name: `Run ${runId} of ${pipeline}`,
      instrument: ref(WORKFLOW_FILE),
      agent,
      ...times,
      actionStatus: statusOf(facts.status),
      ...(facts.status === 'SUCCEEDED' || !ended ? {} : { error: errorText(facts.error?.error ?? facts.status, facts.error?.cause) }),
      object: read,
      result: facts.outputs.map((file) => ref(file.id)),
      ...(runProperties.length === 0 ? {} : { additionalProperty: runProperties.map((p) => ref(p['@id'])) }),
    },
    { ...runInput, exampleOfWork: ref(PARAMETERS.runInput) },
    ...runProperties,
    ...controls,
    ...runs,
    ...facts.inputs.map((file) => fileEntity(file, [PARAMETERS.inputFiles])),
    ...facts.outputs.map((file) =>
      fileEntity(file, file.step === undefined || facts.description.steps[file.step] === undefined ? [PARAMETERS.outputs] : [PARAMETERS.outputs, PARAMETERS.toolOutput(file.step)]),
    ),
  ];
}
