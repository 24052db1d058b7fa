/** Small graph builders shared by the tests and the benchmark. */
import type { PipelineGraph } from '../../lib/graph/schema';

export type Edges = Record<string, readonly string[]>;

/** A simulate-only graph from `{ step: [dependencies] }`, with optional durations in ms. */
export function simulateGraph(edges: Edges, durationsMs: Record<string, number> = {}, name = 'test'): PipelineGraph {
  const steps: PipelineGraph['steps'] = {};
  for (const [id, deps] of Object.entries(edges)) {
    steps[id] = { kind: 'simulate', durationMs: durationsMs[id] ?? 1000, ...(deps.length > 0 ? { dependsOn: [...deps] } : {}) };
  }
  return { name, steps };
}

/** Deterministic PRNG (mulberry32) so generated graphs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random layered DAG: `layers` layers, each step depends on 1..maxFanIn steps of earlier layers (mostly the previous one). */
export function randomLayeredDag(steps: number, layers: number, seed: number, maxFanIn = 3): { edges: Edges; durationsMs: Record<string, number> } {
  const random = seededRandom(seed);
  const edges: Edges = {};
  const durationsMs: Record<string, number> = {};
  const byLayer: string[][] = [];
  for (let i = 0; i < steps; i++) {
    const layer = Math.min(layers - 1, Math.floor((i * layers) / steps));
    const id = `s${i}`;
    (byLayer[layer] ??= []).push(id);
    const deps = new Set<string>();
    if (layer > 0) {
      const fanIn = 1 + Math.floor(random() * maxFanIn);
      for (let k = 0; k < fanIn; k++) {
        const from = random() < 0.8 ? layer - 1 : Math.floor(random() * layer);
        const pool = byLayer[from] as string[];
        deps.add(pool[Math.floor(random() * pool.length)] as string);
      }
    }
    edges[id] = [...deps];
    durationsMs[id] = 100 + Math.floor(random() * 900);
  }
  return { edges, durationsMs };
}

export const chain = (n: number): Edges => Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, i === 0 ? [] : [`s${i - 1}`]]));

export function fanOutIn(width: number): Edges {
  const edges: Record<string, string[]> = { source: [], sink: [] };
  for (let i = 0; i < width; i++) edges[`w${i}`] = ['source'];
  edges['sink'] = Array.from({ length: width }, (_, i) => `w${i}`);
  return edges;
}
