/**
 * The pipeline catalogue: each pipeline as a validated graph and the definition bytes that run. For a
 * graph in state-machines/ these are the committed .asl.json bytes, the ones CDK deploys and the local
 * runtime runs; any other graph file is compiled on the fly. CDK, the local runtime, the CLI, the bench
 * and the smoke script all load pipelines from here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileGraph } from '../compiler/compile';
import type { GraphLayout } from '../contract/graph-layout';
import { checkBudget } from '../cost/budget';
import type { PipelineGraph } from '../graph/schema';
import { loadGraphFile } from '../graph/validate';
import { OrchestraError } from '../shared/errors';
import { checkChildPipelines } from './children';
import { aslFileFor, graphFilesIn, STATE_MACHINES_DIR } from './files';
import { readBuiltLayout } from './graph-layout';

/** A pipeline as the stack and the local runtime take it: its validated graph and the definition bytes that run. */
export interface PipelineSource {
  readonly name: string;
  readonly graph: PipelineGraph;
  /** The graph's file, or `<memory>` for a graph built in a program. */
  readonly graphFile: string;
  /** Project root: handler and container paths in the graph are relative to it. */
  readonly rootDir: string;
  /** The exact definition bytes, with `${...}` placeholders. */
  readonly definitionText: string;
  readonly definitionSource: 'committed' | 'compiled';
  /** Where each step is drawn, as `orchestra build` laid it out (absent: the console lays it out). */
  readonly layout?: GraphLayout;
}

export class StaleDefinitionError extends OrchestraError {
  override readonly name = 'StaleDefinitionError';
  constructor(message: string) {
    super('stale-definition', message);
  }
}

export function loadPipeline(graphFile: string): PipelineSource {
  const { graph, rootDir } = loadGraphFile(graphFile);
  // Local runs have no AWS quotas: limit findings do not stop loading (compile and build still enforce them).
  const compiled = compileGraph(graph);
  const aslFile = aslFileFor(graphFile);
  if (existsSync(aslFile)) {
    const committed = readFileSync(aslFile, 'utf8');
    if (committed !== compiled.text) {
      throw new StaleDefinitionError(
        `${relative(process.cwd(), aslFile)} does not match ${relative(process.cwd(), graphFile)}: the deployed bytes would differ from what runs here — run \`npx orchestra build\``,
      );
    }
    checkBudget(graph, compiled.definition, relative(process.cwd(), graphFile));
    const layout = readBuiltLayout(graphFile, graph);
    return { name: graph.name, graph, graphFile, rootDir, definitionText: committed, definitionSource: 'committed', ...(layout === undefined ? {} : { layout }) };
  }
  checkBudget(graph, compiled.definition, relative(process.cwd(), graphFile));
  return { name: graph.name, graph, graphFile, rootDir, definitionText: compiled.text, definitionSource: 'compiled' };
}

export class DuplicatePipelineError extends OrchestraError {
  override readonly name = 'DuplicatePipelineError';
  constructor(message: string) {
    super('duplicate-pipeline', message);
  }
}

/** Every pipeline of a project: the graphs in its state-machines/ folder, in name order; names are unique. */
export function loadCatalogue(projectRoot: string): PipelineSource[] {
  return loadPipelinesIn(join(projectRoot, STATE_MACHINES_DIR), projectRoot);
}

/** Every pipeline graph in `dir` (e.g. a folder of imported products), in name order; names are unique. */
export function loadPipelinesIn(dir: string, projectRoot: string = dir): PipelineSource[] {
  const pipelines = graphFilesIn(dir).map(loadPipeline);
  const byName = new Map<string, string[]>();
  for (const { name, graphFile } of pipelines) byName.set(name, [...(byName.get(name) ?? []), relative(projectRoot, graphFile)]);
  const clashes = [...byName].filter(([, files]) => files.length > 1);
  if (clashes.length > 0) {
    throw new DuplicatePipelineError(
      `pipeline names must be unique (each is a state machine, an ingest rule and a CloudFormation id): ${clashes.map(([name, files]) => `"${name}" in ${files.join(' and ')}`).join('; ')} — rename one`,
    );
  }
  checkChildPipelines(pipelines);
  return pipelines;
}

/** A pipeline from an in-memory graph (tests, benchmarks, embedding Orchestra in a program). */
export function pipelineFromGraph(graph: PipelineGraph, rootDir: string): PipelineSource {
  const compiled = compileGraph(graph);
  checkBudget(graph, compiled.definition, `pipeline ${graph.name}`);
  return { name: graph.name, graph, graphFile: '<memory>', rootDir, definitionText: compiled.text, definitionSource: 'compiled' };
}
