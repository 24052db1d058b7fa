/**
 * Which role each step runs as and what that role may do in the data bucket, for a set of pipelines
 * deployed (or served) together: the stack grants exactly this (lib/cdk/pipeline.ts, orchestra-stack.ts)
 * and the local runtime enforces exactly this. A Lambda step runs as its function's role, a container
 * step as its task role, every simulate step as the one shared simulate function's role.
 */
import type { PipelineSource } from '../catalogue';
import { stepDataAccess } from '../contract/step-access';
import { pipelineRunsPrefixFor } from '../contract/step-event';
import type { PipelineGraph, Step } from '../graph/schema';
import { type DataItemAccess, dataItemAccessOf } from './data-items';
import type { DataAccess } from './statements';

/** Where a pipeline without an upload trigger takes input files (`orchestra run --input`, `runPipeline`): what its steps may read. */
export const defaultInputPrefix = (pipeline: string): string => `ingest/${pipeline}/`;

/** The prefixes a pipeline's steps read run inputs from: its ingest prefix (else defaultInputPrefix) and the data items it may read. */
export const pipelineInputPrefixes = (graph: PipelineGraph, dataItems: DataItemAccess | undefined): string[] => [
  graph.trigger?.ingestPrefix ?? defaultInputPrefix(graph.name),
  ...(dataItems?.reads ?? []),
];

/** What one step's own role may do: the pipeline's inputs and runs, its own folder, and its `access`. */
export const stepRoleAccess = (graph: PipelineGraph, stepId: string, step: Step, inputPrefixes: readonly string[], dataItems: DataItemAccess | undefined): DataAccess =>
  stepDataAccess(
    { pipeline: graph.name, stepId, inputPrefixes, extraWrites: dataItems?.writes ?? [], inputs: 'inputs' in step ? step.inputs : undefined },
    'access' in step ? step.access : undefined,
  );

/** Where simulated products may be written: every simulate step's `writes` template, its placeholders as wildcards. */
export const simulateRoleAccess = (pipelines: readonly PipelineSource[]): DataAccess => ({
  write: [
    ...new Set(
      pipelines.flatMap((p) =>
        Object.values(p.graph.steps).flatMap((step) => (step.kind === 'simulate' && step.writes !== undefined ? [step.writes.replace(/\{[^}]*\}/g, '*')] : [])),
      ),
    ),
  ],
});

/**
 * What a pipeline's state machine itself does in the bucket, when it has Distributed Maps: read their
 * item lists (the pipeline's inputs and runs) and write their results (each step's `results/` folder),
 * in parts it may abort and list. Undefined when it has none: then it touches no object.
 */
export function stateMachineDataAccess(graph: PipelineGraph, inputPrefixes: readonly string[]): { readonly access: DataAccess; readonly multipart: readonly string[] } | undefined {
  const distributed = Object.entries(graph.steps).filter(([, step]) => 'forEach' in step && step.forEach?.manifest !== undefined);
  if (distributed.length === 0) return undefined;
  const runs = pipelineRunsPrefixFor(graph.name);
  const results = distributed.map(([stepId]) => `${runs}*/${stepId}/results/*`);
  return { access: { read: [...inputPrefixes, runs], write: results }, multipart: results };
}

/**
 * The role a step's own code runs as: its own (Lambda, container), the shared simulate role, or none
 * of its own here — a pipeline step makes no calls; a service step is Orchestra's one service-call
 * function, whose role is ./service-calls.ts's.
 */
export type StepRole =
  | { readonly kind: 'own'; readonly name: string; readonly access: DataAccess }
  | { readonly kind: 'simulate'; readonly name: string; readonly access: DataAccess }
  | { readonly kind: 'none' };

export const SIMULATE_ROLE_NAME = 'orchestra-simulate';

/** Every step's role, by pipeline and step id. */
export function stepRolesOf(
  pipelines: readonly PipelineSource[],
  dataItems: ReadonlyMap<string, DataItemAccess> = dataItemAccessOf(pipelines),
): Map<string, Map<string, StepRole>> {
  const simulate: StepRole = { kind: 'simulate', name: SIMULATE_ROLE_NAME, access: simulateRoleAccess(pipelines) };
  return new Map(
    pipelines.map((source) => {
      const items = dataItems.get(source.name);
      const inputs = pipelineInputPrefixes(source.graph, items);
      const roles = Object.entries(source.graph.steps).map(([stepId, step]): [string, StepRole] => {
        if (step.kind === 'lambda' || step.kind === 'container')
          return [stepId, { kind: 'own', name: `${source.name}-${stepId}`, access: stepRoleAccess(source.graph, stepId, step, inputs, items) }];
        if (step.kind === 'simulate') return [stepId, simulate];
        return [stepId, { kind: 'none' }];
      });
      return [source.name, new Map(roles)];
    }),
  );
}
