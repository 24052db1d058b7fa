/** Another Orchestra pipeline as a step: its run is started and awaited (lib/kinds/pipeline/compile.ts). */
import { type Issue, issue } from '../../contract/issues';
import { isJsonRecord } from '../../shared/json';
import { referenceIssues } from '../service/spec';
import type { StepKindSpec } from '../spec';
import { PIPELINE_STEP_DEFAULT_TIMEOUT_SECONDS, pipelineStepSchema } from './schema';

/** The pipelines a graph's pipeline steps run, by step id. */
export const childPipelinesOf = (graph: {
  readonly steps: Readonly<Record<string, { readonly kind: string; readonly pipeline?: unknown }>>;
}): Array<[step: string, child: string]> =>
  Object.entries(graph.steps).flatMap(([id, step]) => (step.kind === 'pipeline' && typeof step.pipeline === 'string' ? [[id, step.pipeline] as [string, string]] : []));

export const pipelineKind: StepKindSpec<typeof pipelineStepSchema> = {
  schema: pipelineStepSchema,
  defaults: { timeoutSeconds: PIPELINE_STEP_DEFAULT_TIMEOUT_SECONDS, estimatedSeconds: () => 60, runsOn: 'nothing' },
  diagramShape: ['[[', ']]'],
  check(step, { graph }) {
    const trigger = graph['trigger'];
    const keyed = isJsonRecord(trigger) && trigger['mode'] === 'keyed';
    const at = ['steps', step.id];
    const found: Issue[] = referenceIssues(step.raw['input'], [...at, 'input'], keyed, 'invalid-pipeline-step');
    if (step.raw['pipeline'] === graph['name'])
      found.push(issue('invalid-pipeline-step', [...at, 'pipeline'], 'a pipeline cannot run itself: each run would start another, without end', 'name another pipeline'));
    if (!keyed && step.raw['publishes'] !== undefined)
      found.push(
        issue(
          'invalid-pipeline-step',
          [...at, 'publishes'],
          'publishing a data item needs a key: only keyed pipelines have one',
          'give the pipeline a keyed trigger, or remove "publishes"',
        ),
      );
    return found;
  },
};
