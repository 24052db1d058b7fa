/** `orchestra cost <pipeline>`: the estimate of lib/cost for the pipeline's committed (or compiled) definition. */
import { dirname } from 'node:path';
import { loadPipeline, loadPipelinesIn, type PipelineSource, withChildren } from '../../catalogue';
import { parseDefinition } from '../../compiler/asl';
import { formatUsd as usd } from '../../contract/prices';
import { estimateRunCost, type RunCostEstimate } from '../../cost/estimate';
import { childPipelinesOf } from '../../kinds/pipeline/spec';
import type { costCommand } from '../commands/cost';
import type { OptionsOf } from '../commands/shared';
import { EXIT_OK } from '../exit-codes';
import { graphFileOf } from '../local-session';
import type { Output } from '../output';

function table(estimate: RunCostEstimate): string[] {
  const rows = estimate.steps.map((step) => {
    const use = [
      `${step.transitions.toFixed(0)} transitions`,
      ...(step.lambda === undefined ? [] : [`${step.lambda.requests.toFixed(0)} Lambda requests, ${step.lambda.gbSeconds.toPrecision(3)} GB-s (${step.lambda.architecture})`]),
      ...(step.fargate === undefined ? [] : [`Fargate ${step.fargate.vcpuHours.toPrecision(3)} vCPU-h, ${step.fargate.gbHours.toPrecision(3)} GB-h`]),
      ...(step.reuse === undefined ? [] : [`reuse check and save ${step.reuse.gbSeconds.toPrecision(3)} GB-s`]),
    ].join(', ');
    return `${step.step.padEnd(28)} ${step.kind.padEnd(9)} ${usd(step.usd).padStart(11)}  ${use}`;
  });
  return [
    `${'STEP'.padEnd(28)} ${'KIND'.padEnd(9)} ${'USD'.padStart(11)}  USES`,
    ...rows,
    `${'(orchestration)'.padEnd(28)} ${''.padEnd(9)} ${usd(estimate.orchestration.usd).padStart(11)}  ${estimate.orchestration.transitions.toFixed(0)} transitions`,
    `${'total per run'.padEnd(28)} ${''.padEnd(9)} ${usd(estimate.totalUsd).padStart(11)}`,
    '',
    `Prices: ${estimate.prices.region}, list prices of ${estimate.prices.asOf} (lib/cost/prices.ts). Assumes:`,
    ...estimate.assumptions.map((assumption) => `  - ${assumption}`),
  ];
}

/** Each pipeline's estimate, its children's included (they are beside it: lib/catalogue/children.ts). */
function estimator(pipelines: readonly PipelineSource[], items: number | undefined): (pipeline: PipelineSource) => RunCostEstimate {
  const byName = new Map(pipelines.map((source) => [source.name, source]));
  const estimate = (source: PipelineSource): RunCostEstimate =>
    estimateRunCost(source.graph, parseDefinition(source.definitionText, source.graphFile), {
      ...(items === undefined ? {} : { items }),
      childRunUsd: (name) => {
        const child = byName.get(name);
        return child === undefined ? undefined : estimate(child).totalUsd;
      },
    });
  return estimate;
}

export function estimateCost(pipelineOrFile: string, options: OptionsOf<typeof costCommand>, output: Output): number {
  const pipeline = loadPipeline(graphFileOf(pipelineOrFile));
  const family = childPipelinesOf(pipeline.graph).length === 0 ? [pipeline] : withChildren(pipeline, loadPipelinesIn(dirname(pipeline.graphFile)));
  const estimate = estimator(family, options.items)(pipeline);
  if (options.json === true) output.out(JSON.stringify(estimate, null, 2));
  else for (const line of [`Estimated cost of one run of ${pipeline.name}`, '', ...table(estimate)]) output.out(line);
  return EXIT_OK;
}
