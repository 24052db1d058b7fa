/**
 * Where each step's box and each dependency's line go when a pipeline is drawn. A property of the
 * graph, not of a run: `orchestra build` lays it out once (lib/catalogue/graph-layout.ts) and the runs
 * API serves it with the pipeline, so the console only paints; the console lays out in the browser,
 * with the same options, a graph that has none. Both use elkjs (the Eclipse Layout Kernel, EPL-2.0).
 */
import * as z from 'zod/mini';

/** A step's box. */
export const LAYOUT_NODE = { width: 170, height: 44 } as const;

/** Above this many steps the layout trades looks for time. */
export const LARGE_GRAPH_STEPS = 300;

export const LAYERED_OPTIONS: Readonly<Record<string, string>> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '18',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
};

/**
 * ELK's layered defaults cost about 6 s for 1,000 steps here, mostly minimising edge crossings; with
 * longest-path layering, simple node placement, straight edges and no crossing minimisation, about
 * 1.2 s. A graph that large is read by zooming in, where crossings matter less than waiting.
 */
export const FAST_OPTIONS: Readonly<Record<string, string>> = {
  'elk.layered.thoroughness': '1',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.layering.strategy': 'LONGEST_PATH',
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
  'elk.layered.crossingMinimization.strategy': 'NONE',
  'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
};

export const graphLayoutSchema = z.object({
  width: z.number(),
  height: z.number(),
  nodes: z.array(z.object({ id: z.string(), x: z.number(), y: z.number(), width: z.number(), height: z.number() })),
  edges: z.array(z.object({ id: z.string(), points: z.array(z.number()) })),
});
/** Written out rather than inferred from the schema: it is part of orchestra/cdk's API (PipelineSource), which names no zod type. */
export interface GraphLayout {
  /** The drawing's size, in pixels. */
  readonly width: number;
  readonly height: number;
  /** Each step's box: its top-left corner and size. */
  readonly nodes: Array<{ readonly id: string; readonly x: number; readonly y: number; readonly width: number; readonly height: number }>;
  /** Each dependency's line (`<dependency>-><step>`), as the points it passes through: x, y, x, y… (pairs as objects doubled a big layout's size). */
  readonly edges: Array<{ readonly id: string; readonly points: number[] }>;
}

/** What elkjs is given: each step a box, each dependency an edge. Built fresh per call and mutable, as elkjs's input type wants it. */
export interface LayoutInput {
  id: string;
  layoutOptions: Record<string, string>;
  children: Array<{ id: string; width: number; height: number }>;
  edges: Array<{ id: string; sources: string[]; targets: string[] }>;
}

export function layoutInputOf(steps: Readonly<Record<string, { readonly dependsOn?: readonly string[] | undefined }>>): LayoutInput {
  const ids = Object.keys(steps);
  const known = new Set(ids);
  return {
    id: 'run',
    layoutOptions: ids.length > LARGE_GRAPH_STEPS ? { ...LAYERED_OPTIONS, ...FAST_OPTIONS } : { ...LAYERED_OPTIONS },
    children: ids.map((id) => ({ id, ...LAYOUT_NODE })),
    edges: ids.flatMap((id) => (steps[id]?.dependsOn ?? []).filter((dep) => known.has(dep)).map((dep) => ({ id: `${dep}->${id}`, sources: [dep], targets: [id] }))),
  };
}

/** elkjs's answer, the parts a drawing needs. */
export interface LaidOutGraph {
  readonly width?: number;
  readonly height?: number;
  readonly children?: ReadonlyArray<{ readonly id: string; readonly x?: number; readonly y?: number; readonly width?: number; readonly height?: number }>;
  readonly edges?: ReadonlyArray<{
    readonly id: string;
    readonly sections?: ReadonlyArray<{
      readonly startPoint: { x: number; y: number };
      readonly endPoint: { x: number; y: number };
      readonly bendPoints?: ReadonlyArray<{ x: number; y: number }>;
    }>;
  }>;
}

/** To a tenth of a pixel: elkjs answers 15 digits, which made a 1,000-step pipeline's layout 900 KB. */
const tenth = (value: number): number => Math.round(value * 10) / 10;

export function graphLayoutOf(graph: LaidOutGraph): GraphLayout {
  return {
    width: tenth(graph.width ?? 0),
    height: tenth(graph.height ?? 0),
    nodes: (graph.children ?? []).map((n) => ({
      id: n.id,
      x: tenth(n.x ?? 0),
      y: tenth(n.y ?? 0),
      width: tenth(n.width ?? LAYOUT_NODE.width),
      height: tenth(n.height ?? LAYOUT_NODE.height),
    })),
    edges: (graph.edges ?? []).map((e) => ({
      id: e.id,
      points: (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]).flatMap((p) => [tenth(p.x), tenth(p.y)]),
    })),
  };
}
