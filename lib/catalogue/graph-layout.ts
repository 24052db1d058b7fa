/**
 * A pipeline's drawing, laid out when it is built: `orchestra build` writes <name>.layout.json beside
 * its .asl.json, the catalogue reads it back when it still fits the graph (its steps and dependencies,
 * by digest), and the runs API serves it with the pipeline so the console paints without laying out.
 * elkjs (EPL-2.0, used unmodified; source: https://github.com/kieler/elkjs) lays it out, with the
 * options the console uses for a graph that has none (lib/contract/graph-layout.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { type GraphLayout, graphLayoutOf, graphLayoutSchema, layoutInputOf } from '../contract/graph-layout';
import type { PipelineGraph } from '../graph/schema';
import { GRAPH_SUFFIX } from './files';

export const LAYOUT_SUFFIX = '.layout.json';

export const layoutFileFor = (graphFile: string): string => graphFile.slice(0, -GRAPH_SUFFIX.length) + LAYOUT_SUFFIX;

/** What the layout depends on: the steps, in order, and their dependencies. */
export function layoutShapeOf(graph: PipelineGraph): string {
  const shape = Object.entries(graph.steps).map(([id, step]) => [id, step.dependsOn ?? []]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}

export async function layOutGraph(graph: PipelineGraph): Promise<GraphLayout> {
  // The bundled build runs in this thread: Node has no Web Worker to hand it to, and a build can wait.
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  return graphLayoutOf(await new ELK().layout(layoutInputOf(graph.steps)));
}

/** The text `orchestra build` writes: the layout and the shape it was laid out for. */
export async function layoutFileText(graph: PipelineGraph): Promise<string> {
  return `${JSON.stringify({ shape: layoutShapeOf(graph), ...(await layOutGraph(graph)) })}\n`;
}

/** The built layout of a graph, when its file exists and was laid out for these steps; else undefined (the console lays it out). */
export function readBuiltLayout(graphFile: string, graph: PipelineGraph): GraphLayout | undefined {
  const file = layoutFileFor(graphFile);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || !('shape' in json) || json.shape !== layoutShapeOf(graph)) return undefined;
  const parsed = graphLayoutSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
