/**
 * A run's provenance as a Workflow Run RO-Crate: `ro-crate-metadata.json` beside its outputs, the same
 * on both targets. Pinned: RO-Crate 1.1, Workflow RO-Crate 1.0, and the Process, Workflow and
 * Provenance Run Crate profiles 0.5 (https://w3id.org/ro/wfrun/provenance/0.5).
 *
 * - the compiled state machine is the workflow (`mainEntity`, a `ComputationalWorkflow` and `HowTo`),
 *   each step a `HowToStep` whose `workExample` is its tool (a `SoftwareApplication`: the handler
 *   bundle or container image, by its code identity);
 * - the workflow's and each tool's inputs and outputs are `FormalParameter`s, joined along the graph's
 *   dependencies by `ParameterConnection`s; every file names the parameters it is an example of;
 * - the run is a `CreateAction` of the workflow (`object`: the run's input files and input, `result`:
 *   what it wrote), each step attempt a `CreateAction` of its tool (its code identity, what it read
 *   and wrote, what it used as `resourceUsage`), each step a `ControlAction`, and Orchestra itself an
 *   `OrganizeAction` (`instrument`: Orchestra, `result`: the run) — ./crate-actions.ts;
 * - a reused step's action says so (`reusedFrom`), and the run and each step carry their cost on AWS
 *   as `additionalProperty` (schema.org's PropertyValue).
 *
 * Written here: no maintained JavaScript library writes Workflow Run Crates (ro-crate-py and runcrate
 * are Python); ro-crate-js handles generic crates but knows none of these profiles.
 */
import type { PipelineDescription } from '../../contract/pipeline-description';
import type { RunCost, StepOutcome } from '../../contract/run-answers';
import { topologicalOrder } from '../../shared/topology';
import type { StepAttempt } from '../step-attempts';
import { runEntities } from './crate-actions';
import { connection, type Entity, formalParameter, PARAMETERS, ref, toolOf, WORKFLOW_FILE } from './crate-entities';

export const RO_CRATE = 'https://w3id.org/ro/crate/1.1';
export const WORKFLOW_RO_CRATE = 'https://w3id.org/workflowhub/workflow-ro-crate/1.0';
export const RUN_CRATE_PROFILES = {
  process: 'https://w3id.org/ro/wfrun/process/0.5',
  workflow: 'https://w3id.org/ro/wfrun/workflow/0.5',
  provenance: 'https://w3id.org/ro/wfrun/provenance/0.5',
} as const;
export const CRATE_FILE = 'ro-crate-metadata.json';
export { WORKFLOW_FILE } from './crate-entities';

/** An object of the run: an input file (outside the crate: an s3:// URI) or an output (a path in the run's folder). */
export interface CrateFile {
  readonly id: string;
  readonly size: number;
  readonly sha256?: string;
  readonly etag?: string;
  /** Its S3 version, where the bucket keeps versions (the stack's does) and it was read. */
  readonly versionId?: string;
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
  /** The run's input, as it was started with. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly description: PipelineDescription;
  /** Each step's outcome, with what each invocation used when it was measured. */
  readonly steps: Readonly<Record<string, StepOutcome>>;
  /** Each Task state's attempts (../step-attempts.ts), by state name: a step's, and a forEach step's item state's. */
  readonly attempts: Readonly<Record<string, readonly StepAttempt[]>>;
  readonly cost?: RunCost;
  readonly inputs: readonly CrateFile[];
  readonly outputs: readonly CrateFile[];
  readonly engine: { readonly name: string; readonly version: string; readonly target: 'aws' | 'local' };
}

const howToStepOf = (step: string): string => `#step/${step}`;
const PROFILES = [RUN_CRATE_PROFILES.process, RUN_CRATE_PROFILES.workflow, RUN_CRATE_PROFILES.provenance, WORKFLOW_RO_CRATE];

/** The workflow's parameters, each tool's, and how data flows between them: the run's inputs into every step, a dependency's outputs into the steps after it, every step's outputs into the run's. */
function parameterEntities(facts: RunFacts): { readonly parameters: Entity[]; readonly stepConnections: ReadonlyMap<string, Entity[]>; readonly workflowConnections: Entity[] } {
  const parameters: Entity[] = [
    formalParameter(PARAMETERS.inputFiles, 'input files', 'File', "The objects the run was started with (or its input folder's), as s3:// URIs"),
    formalParameter(PARAMETERS.runInput, 'run input', 'Text', 'The JSON the run was started with (its bucket, prefix or keys, parameters, source)'),
    formalParameter(PARAMETERS.outputs, 'outputs', 'File', "What the run's steps wrote in its folder, as paths in it"),
  ];
  const stepConnections = new Map<string, Entity[]>();
  const workflowConnections: Entity[] = [];
  for (const [id, step] of Object.entries(facts.description.steps)) {
    parameters.push(
      formalParameter(PARAMETERS.toolInput(id), `${id}/input`, 'File', `What ${id} reads: the run's input files and its dependencies' outputs`),
      formalParameter(PARAMETERS.toolOutput(id), `${id}/output`, 'File', `What ${id} writes under ${id}/ in the run's folder`),
    );
    stepConnections.set(id, [
      connection(PARAMETERS.inputFiles, PARAMETERS.toolInput(id)),
      ...step.dependsOn.map((dependency) => connection(PARAMETERS.toolOutput(dependency), PARAMETERS.toolInput(id))),
    ]);
    workflowConnections.push(connection(PARAMETERS.toolOutput(id), PARAMETERS.outputs));
  }
  return { parameters, stepConnections, workflowConnections };
}

/** Each step's place in an order that runs it after every step it depends on, as the profile asks of `position`. */
function executionPositions(description: PipelineDescription): Map<string, number> {
  const ids = Object.keys(description.steps);
  const predecessors = new Map(ids.map((id) => [id, (description.steps[id]?.dependsOn ?? []).filter((d) => Object.hasOwn(description.steps, d))]));
  // A cycle (a graph the compiler refuses) has no such order: its steps keep the graph's.
  const order = topologicalOrder({ ids, predecessors }) ?? ids;
  return new Map(order.map((id, position) => [id, position]));
}

/** Prospective provenance: the crate itself, the workflow (the compiled machine), its parameters, steps and their tools. */
function workflowEntities(facts: RunFacts): Entity[] {
  const { pipeline, runId, description } = facts;
  const stepIds = Object.keys(description.steps);
  const { parameters, stepConnections, workflowConnections } = parameterEntities(facts);
  const tools: Entity[] = stepIds.map((id) => {
    const step = description.steps[id];
    return {
      '@id': toolOf(id),
      '@type': 'SoftwareApplication',
      name: `${id} (${step?.kind ?? 'step'})`,
      ...(step?.description === undefined ? {} : { description: step.description }),
      // What code runs it, as deployed (or as the local runtime found it at the run's end).
      ...(step?.codeIdentity === undefined ? {} : { identifier: `code:${step.codeIdentity}` }),
      input: ref(PARAMETERS.toolInput(id)),
      output: ref(PARAMETERS.toolOutput(id)),
    };
  });
  const positionOf = executionPositions(description);
  const howToSteps: Entity[] = stepIds.map((id) => ({
    '@id': howToStepOf(id),
    '@type': 'HowToStep',
    name: id,
    position: String(positionOf.get(id) ?? 0),
    workExample: ref(toolOf(id)),
    connection: (stepConnections.get(id) ?? []).map((c) => ref(c['@id'])),
  }));
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
      input: [ref(PARAMETERS.inputFiles), ref(PARAMETERS.runInput)],
      output: ref(PARAMETERS.outputs),
      hasPart: stepIds.map((id) => ref(toolOf(id))),
      step: howToSteps.map((step) => ref(step['@id'])),
      connection: workflowConnections.map((c) => ref(c['@id'])),
    },
    { '@id': '#amazon-states-language', '@type': 'ComputerLanguage', name: 'Amazon States Language', url: ref('https://states-language.net/spec.html') },
    ...parameters,
    ...howToSteps,
    ...[...stepConnections.values()].flat(),
    ...workflowConnections,
    ...tools,
  ];
}

export function runCrate(facts: RunFacts): { readonly '@context': readonly string[]; readonly '@graph': readonly Entity[] } {
  return { '@context': [`${RO_CRATE}/context`, 'https://w3id.org/ro/terms/workflow-run/context'], '@graph': [...workflowEntities(facts), ...runEntities(facts)] };
}
