/**
 * A pipeline as the local runtime runs it: the validated graph and the definition bytes. For a graph
 * in state-machines/ these are the committed .asl.json bytes, the ones CDK deploys; any other graph
 * file is compiled on the fly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { compileGraph } from '../compiler/compile';
import { aslFileFor } from '../graph/pipeline-files';
import type { PipelineGraph } from '../graph/schema';
import { loadGraphFile } from '../graph/validate';

export interface LocalPipeline {
  readonly name: string;
  readonly graph: PipelineGraph;
  readonly graphFile: string;
  /** Project root: handler and container paths in the graph are relative to it. */
  readonly rootDir: string;
  readonly definitionText: string;
  readonly definitionSource: 'committed' | 'compiled';
}

export class StaleDefinitionError extends Error {
  override readonly name = 'StaleDefinitionError';
}

export function loadPipeline(graphFile: string): LocalPipeline {
  const { graph, rootDir } = loadGraphFile(graphFile);
  const compiled = compileGraph(graph);
  // Local runs have no AWS quotas: limit findings do not stop them (compile and build still enforce them).
  const aslFile = aslFileFor(graphFile);
  if (existsSync(aslFile)) {
    const committed = readFileSync(aslFile, 'utf8');
    if (committed !== compiled.text) {
      throw new StaleDefinitionError(
        `${relative(process.cwd(), aslFile)} does not match ${relative(process.cwd(), graphFile)}: the deployed bytes would differ from what runs here — run \`npm run build:state-machines\``,
      );
    }
    return { name: graph.name, graph, graphFile, rootDir, definitionText: committed, definitionSource: 'committed' };
  }
  return { name: graph.name, graph, graphFile, rootDir, definitionText: compiled.text, definitionSource: 'compiled' };
}

/** A pipeline from an in-memory graph (tests, benchmarks, embedding Orchestra in a program). */
export function pipelineFromGraph(graph: PipelineGraph, rootDir: string): LocalPipeline {
  return { name: graph.name, graph, graphFile: '<memory>', rootDir, definitionText: compileGraph(graph).text, definitionSource: 'compiled' };
}
