/**
 * A run's provenance as a Workflow Run RO-Crate: `ro-crate-metadata.json` beside its outputs, the same
 * on both targets. Pinned: RO-Crate 1.1, Workflow RO-Crate 1.0, and the Process, Workflow and
 * Provenance Run Crate profiles 0.5 (https://w3id.org/ro/wfrun/provenance/0.5).
 *
 * - the compiled state machine is the workflow (`mainEntity`, a `ComputationalWorkflow` and `HowTo`),
 *   each step a `HowToStep` whose `workExample` is its tool (a `SoftwareApplication`: the handler
 *   bundle or container image, by its code identity);
 * - the run is a `CreateAction` of the workflow (`object`: the run's input files, `result`: what it
 *   wrote), each step attempt a `CreateAction` of its tool, each step a `ControlAction`, and
 *   Orchestra itself an `OrganizeAction` (`instrument`: Orchestra, `result`: the run);
 * - a reused step's action says so (`reusedFrom`), and every action carries its cost on AWS, as
 *   `additionalProperty` (schema.org's PropertyValue).
 *
 * Written here: no maintained JavaScript library writes Workflow Run Crates (ro-crate-py and runcrate
 * are Python); ro-crate-js handles generic crates but knows none of these profiles.
 */
import type { PipelineDescription } from '../../contract/pipeline-description';
import type { ReuseDecisionAnswer, RunCost, StepOutcome } from '../../contract/run-answers';

export const RO_CRATE = 'https://w3id.org/ro/crate/1.1';
export const WORKFLOW_RO_CRATE = 'https://w3id.org/workflowhub/workflow-ro-crate/1.0';
export const RUN_CRATE_PROFILES = {
  process: 'https://w3id.org/ro/wfrun/process/0.5',
  workflow: 'https://w3id.org/ro/wfrun/workflow/0.5',
  provenance: 'https://w3id.org/ro/wfrun/provenance/0.5',
} as const;
export const CRATE_FILE = 'ro-crate-metadata.json';
/** The compiled definition, written beside the crate: the workflow the run executed. */
export const WORKFLOW_FILE = 'workflow.asl.json';

/** An object of the run: an input file (outside the crate: an s3:// URI) or an output (a path in the run's folder). */
export interface CrateFile {
  readonly id: string;
  readonly size: number;
  readonly sha256?: string;
  readonly etag?: string;
  /** The step that wrote it (outputs). */
  readonly step?: string;
}

export interface RunFacts {
  readonly pipeline: string;
  readonly runId: string;
  readonly status: string;
  readonly startedAt: string;
  readonly stoppedAt?: string;
  readonly error?: { readonly error?: string; readonly cause?: string };
  /** What started it: upload, api, schedule, cli, keyed, pipeline. */
  readonly source: string;
  readonly description: PipelineDescription;
  readonly steps: Readonly<Record<string, StepOutcome>>;
  readonly cost?: RunCost;
  /** Reused steps' decisions, by step (their fingerprints carry the code identity). */
  readonly decisions: Readonly<Record<string, ReuseDecisionAnswer>>;
  readonly inputs: readonly CrateFile[];
  readonly outputs: readonly CrateFile[];
  readonly engine: { readonly name: string; readonly version: string; readonly target: 'aws' | 'local' };
}

type Entity = { readonly '@id': string; readonly '@type': string | readonly string[]; readonly [property: string]: unknown };
const ref = (id: string) => ({ '@id': id });

const AGENTS: Readonly<Record<string, string>> = {
  upload: 'an upload to the ingest prefix (its trigger)',
  api: 'a caller of the runs API',
  schedule: 'the pipeline schedule',
  cli: 'orchestra run (the command line)',
  keyed: 'the keyed trigger of its data items',
  pipeline: 'a pipeline step of another run',
};

function fileEntity(file: CrateFile): Entity {
  return {
    '@id': file.id,
    '@type': 'File',
    contentSize: String(file.size),
    ...(file.sha256 === undefined ? {} : { sha256: file.sha256 }),
    ...(file.etag === undefined ? {} : { identifier: `etag:${file.etag}` }),
  };
}

/** A flat PropertyValue entity (RO-Crate's graph is flat: every entity has its own @id). */
const property = (of: string, name: string, value: unknown): Entity => ({
  '@id': `${of}#${name}`,
  '@type': 'PropertyValue',
  name,
  value: typeof value === 'string' ? value : JSON.stringify(value),
});

/** The attempts of a step: what ran (its tool), on what, when, how it ended, what it cost; with its properties. */
function stepAction(facts: RunFacts, id: string, outcome: StepOutcome, toolId: string): Entity[] {
  const failed = outcome.status === 'FAILED' || outcome.status === 'ABORTED';
  const stepCost = facts.cost?.steps[id];
  const actionId = `#run-${facts.runId}/step/${id}`;
  const properties = [
    property(actionId, 'attempts', outcome.attempts),
    ...(outcome.reusedFrom === undefined ? [] : [property(actionId, 'reusedFrom', outcome.reusedFrom)]),
    ...(stepCost === undefined ? [] : [property(actionId, 'costUsd', stepCost.usd)]),
  ];
  const action: Entity = {
    '@id': actionId,
    '@type': 'CreateAction',
    name: `${id} of run ${facts.runId}${outcome.reusedFrom === undefined ? '' : ` (reused from run ${outcome.reusedFrom.runId})`}`,
    instrument: ref(toolId),
    ...(outcome.startedAt === undefined ? {} : { startTime: outcome.startedAt }),
    ...(outcome.stoppedAt === undefined ? {} : { endTime: outcome.stoppedAt }),
    actionStatus: ref(`http://schema.org/${failed ? 'FailedActionStatus' : outcome.status === 'SUCCEEDED' ? 'CompletedActionStatus' : 'PotentialActionStatus'}`),
    ...(outcome.error === undefined ? {} : { error: `${outcome.error}: ${outcome.cause ?? ''}` }),
    object: facts.inputs.map((file) => ref(file.id)),
    result: facts.outputs.filter((file) => file.step === id).map((file) => ref(file.id)),
    additionalProperty: properties.map((p) => ref(p['@id'])),
  };
  return [action, ...properties];
}

const toolOf = (id: string): string => `#tool/${id}`;
const PROFILES = [RUN_CRATE_PROFILES.process, RUN_CRATE_PROFILES.workflow, RUN_CRATE_PROFILES.provenance, WORKFLOW_RO_CRATE];

/** Prospective provenance: the crate itself, the workflow (the compiled machine), its steps and their tools. */
function workflowEntities(facts: RunFacts): Entity[] {
  const { pipeline, runId, description } = facts;
  const stepIds = Object.keys(description.steps);
  const tools: Entity[] = stepIds.map((id) => {
    const step = description.steps[id];
    const code = facts.decisions[id]?.fingerprint['code'];
    return {
      '@id': toolOf(id),
      '@type': 'SoftwareApplication',
      name: `${id} (${step?.kind ?? 'step'})`,
      ...(step?.description === undefined ? {} : { description: step.description }),
      ...(code === undefined ? {} : { identifier: `code:${code}` }),
    };
  });
  const howToSteps: Entity[] = stepIds.map((id, position) => ({ '@id': `#step/${id}`, '@type': 'HowToStep', name: id, position: String(position), workExample: ref(toolOf(id)) }));
  return [
    { '@id': CRATE_FILE, '@type': 'CreativeWork', about: ref('./'), conformsTo: [ref(RO_CRATE), ref(WORKFLOW_RO_CRATE)] },
    {
      '@id': './',
      '@type': 'Dataset',
      name: `Run ${runId} of ${pipeline}`,
      description: `What run ${runId} of the Orchestra pipeline ${pipeline} did: its workflow, steps, inputs and outputs.`,
      datePublished: facts.stoppedAt ?? facts.startedAt,
      license: ref('#license'),
      conformsTo: PROFILES.map(ref),
      mainEntity: ref(WORKFLOW_FILE),
      mentions: ref(`#run-${runId}`),
      hasPart: [ref(WORKFLOW_FILE), ...facts.outputs.map((file) => ref(file.id))],
    },
    { '@id': '#license', '@type': 'CreativeWork', name: 'The terms of the lab that ran it: the pipeline graph names none' },
    ...PROFILES.map((id) => ({
      '@id': id,
      '@type': 'CreativeWork',
      name: id.includes('workflowhub') ? 'Workflow RO-Crate' : `${id.split('/').at(-2) ?? ''} run crate`,
      version: id.split('/').at(-1) ?? '',
    })),
    {
      '@id': WORKFLOW_FILE,
      '@type': ['File', 'SoftwareSourceCode', 'ComputationalWorkflow', 'HowTo'],
      name: pipeline,
      ...(description.description === undefined ? {} : { description: description.description }),
      programmingLanguage: ref('#amazon-states-language'),
      hasPart: stepIds.map((id) => ref(toolOf(id))),
      step: howToSteps.map((step) => ref(step['@id'])),
    },
    { '@id': '#amazon-states-language', '@type': 'ComputerLanguage', name: 'Amazon States Language', url: ref('https://states-language.net/spec.html') },
    ...howToSteps,
    ...tools,
  ];
}

/** Retrospective provenance: who ran it, the run, each step's run and its orchestration, their files. */
function runEntities(facts: RunFacts): Entity[] {
  const { pipeline, runId } = facts;
  const runAction = `#run-${runId}`;
  const engineId = `#engine-${facts.engine.name.toLowerCase()}`;
  const agentId = `#agent-${facts.source}`;
  const attempts = Object.keys(facts.description.steps).flatMap((id) => {
    const outcome = facts.steps[id];
    return outcome === undefined || (outcome.status === 'SKIPPED' && outcome.attempts === 0) || outcome.status === 'PENDING' ? [] : stepAction(facts, id, outcome, toolOf(id));
  });
  const controls: Entity[] = attempts
    .filter((entity) => entity['@type'] === 'CreateAction')
    .map((action) => {
      const id = action['@id'].slice(`${runAction}/step/`.length);
      return { '@id': `#control/${id}`, '@type': 'ControlAction', name: `orchestrate ${id}`, instrument: ref(`#step/${id}`), object: ref(action['@id']) };
    });
  const failed = facts.status !== 'SUCCEEDED' && facts.status !== 'RUNNING';
  const runProperties = facts.cost === undefined ? [] : [property(runAction, 'costUsd', facts.cost.totalUsd), property(runAction, 'pricesAsOf', facts.cost.prices.asOf)];
  const times = { startTime: facts.startedAt, ...(facts.stoppedAt === undefined ? {} : { endTime: facts.stoppedAt }) };
  return [
    {
      '@id': engineId,
      '@type': 'SoftwareApplication',
      name: `${facts.engine.name} ${facts.engine.version}`,
      version: facts.engine.version,
      description: `on ${facts.engine.target === 'aws' ? 'AWS Step Functions' : 'the embedded local runtime'}`,
    },
    { '@id': agentId, '@type': 'SoftwareApplication', name: AGENTS[facts.source] ?? facts.source },
    {
      '@id': `#organize-${runId}`,
      '@type': 'OrganizeAction',
      name: `${facts.engine.name} running ${pipeline}`,
      agent: ref(agentId),
      instrument: ref(engineId),
      object: controls.map((control) => ref(control['@id'])),
      result: ref(runAction),
      ...times,
    },
    {
      '@id': runAction,
      '@type': 'CreateAction',
      name: `Run ${runId} of ${pipeline}`,
      instrument: ref(WORKFLOW_FILE),
      agent: ref(agentId),
      ...times,
      actionStatus: ref(`http://schema.org/${failed ? 'FailedActionStatus' : facts.status === 'SUCCEEDED' ? 'CompletedActionStatus' : 'ActiveActionStatus'}`),
      ...(facts.error?.error === undefined ? {} : { error: `${facts.error.error}: ${facts.error.cause ?? ''}` }),
      object: facts.inputs.map((file) => ref(file.id)),
      result: facts.outputs.map((file) => ref(file.id)),
      ...(runProperties.length === 0 ? {} : { additionalProperty: runProperties.map((p) => ref(p['@id'])) }),
    },
    ...runProperties,
    ...controls,
    ...attempts,
    ...facts.inputs.map(fileEntity),
    ...facts.outputs.map(fileEntity),
  ];
}

export function runCrate(facts: RunFacts): { readonly '@context': readonly string[]; readonly '@graph': readonly Entity[] } {
  return { '@context': [`${RO_CRATE}/context`, 'https://w3id.org/ro/terms/workflow-run/context'], '@graph': [...workflowEntities(facts), ...runEntities(facts)] };
}
