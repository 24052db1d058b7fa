/** `orchestra export airflow <graph> [--out dag.py] [--stack <name>]`: the pipeline as an Airflow 3 DAG, against the deployed stack's functions and tasks. */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseStepPairs, STACK_OUTPUTS } from '../../contract/stack-outputs';
import { type AirflowTargets, exportAirflow } from '../../exporters/airflow';
import type { PipelineGraph } from '../../graph/schema';
import { validateGraphFile } from '../../graph/validate';
import type { exportAirflowCommand } from '../commands/conversions';
import type { OptionsOf } from '../commands/shared';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { graphFileOf } from '../local-session';
import { type Output, reportIssues } from '../output';
import { readStackOutputs, type StackOutputsReader } from '../stack-outputs';

export type ExportAirflowCommandOptions = OptionsOf<typeof exportAirflowCommand> & {
  /** Tests replace CloudFormation. */
  readonly readOutputs?: StackOutputsReader;
};

/** What the stack's outputs say about this pipeline's steps; absent outputs stay placeholders. */
export function targetsFromOutputs(graph: PipelineGraph, outputs: Readonly<Record<string, string>>): AirflowTargets {
  const list = (value: string | undefined) => (value === undefined ? undefined : value.split(',').filter((item) => item !== ''));
  const subnets = list(outputs[STACK_OUTPUTS.containerSubnets]);
  const securityGroup = outputs[STACK_OUTPUTS.containerSecurityGroup];
  const bucket = outputs[STACK_OUTPUTS.dataBucket];
  const cluster = outputs[STACK_OUTPUTS.ecsCluster];
  return {
    steps: parseStepPairs(outputs[STACK_OUTPUTS.stepTargets(graph.name)] ?? ''),
    ...(bucket === undefined ? {} : { bucket }),
    ...(cluster === undefined ? {} : { cluster }),
    ...(subnets === undefined ? {} : { subnets }),
    ...(securityGroup === undefined ? {} : { securityGroups: [securityGroup] }),
  };
}

export async function exportAirflowDag(pipelineOrFile: string, options: ExportAirflowCommandOptions, output: Output): Promise<number> {
  const file = graphFileOf(pipelineOrFile);
  const { graph, issues } = validateGraphFile(file);
  reportIssues(output, issues, file);
  if (graph === undefined) return EXIT_INVALID;
  const outputs = options.stack === undefined ? {} : await (options.readOutputs ?? readStackOutputs)(options.stack, options.region);
  const targets = targetsFromOutputs(graph, outputs);
  const missing = Object.entries(graph.steps).filter(([id, step]) => (step.kind === 'lambda' || step.kind === 'container') && targets.steps?.[id] === undefined);
  const text = exportAirflow(graph, targets);
  if (options.out === undefined) output.out(text.trimEnd());
  else writeFileSync(options.out, text);
  const where = options.out === undefined ? 'the DAG' : relative(process.cwd(), options.out) || options.out;
  if (missing.length > 0)
    output.err(
      `${where}: placeholders <…> stand for ${missing.map(([id]) => id).join(', ')} — ${options.stack === undefined ? 'pass --stack <name> to read them from the deployed stack' : `stack ${options.stack} has no ${STACK_OUTPUTS.stepTargets(graph.name)} output for them: deploy this version of Orchestra`}`,
    );
  else if (options.out !== undefined) output.err(`${where}: DAG ${graph.name}, ${Object.keys(graph.steps).length} tasks`);
  return EXIT_OK;
}
