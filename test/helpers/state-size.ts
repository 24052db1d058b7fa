/**
 * Runs a compiled graph on the local engine with in-process handlers that return results of a fixed
 * size, and measures the run state: the largest state a run holds, and how many step results it
 * holds against how many were still needed then. Shared by the state-size test and the benchmark.
 */
import { compileGraph } from '../../lib/compiler';
import { substitute } from '../../lib/contract/placeholders';
import type { PipelineGraph } from '../../lib/graph/schema';
import { prepareMachine, startExecution, type TaskHandler } from '../../lib/local/engine/engine';
import type { Json } from '../../lib/shared/json';
import { fakeSubstitutions } from './asl';

export interface StateSizeRun {
  readonly status: string;
  readonly steps: number;
  /** The largest state input or output, in bytes of JSON. */
  readonly largestStateBytes: number;
  /** The most step results one state held. */
  readonly mostResultsHeld: number;
  /** The most results still needed at once: finished steps with an unfinished dependent, plus finished leaves. */
  readonly mostResultsNeeded: number;
  /**
   * Over every state's output: results held minus twice the results needed at that moment
   * (state-layout.ts's bound). A Task's output still holds what it read, so its results count as
   * needed until it ends.
   */
  readonly mostHeldBeyondTwiceNeeded: number;
  readonly compileMs: number;
  readonly runMs: number;
}

const stepsIn = (state: Json): number => {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return 0;
  const steps = state['steps'];
  return steps !== null && typeof steps === 'object' && !Array.isArray(steps) ? Object.keys(steps).length : 0;
};

export async function measureStateSize(graph: PipelineGraph, resultBytes: number): Promise<StateSizeRun> {
  const compileStart = performance.now();
  const compiled = compileGraph(graph);
  const compileMs = performance.now() - compileStart;
  const definition = JSON.parse(substitute(compiled.text, fakeSubstitutions(compiled)));
  const ids = Object.keys(graph.steps);
  const padding = 'x'.repeat(Math.max(0, resultBytes - 20));
  const handler: TaskHandler = async () => ({ data: padding });
  const prepared = prepareMachine(definition, new Set(ids));
  const dependents = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const step of Object.values(graph.steps)) for (const dep of step.dependsOn ?? []) dependents.set(dep, (dependents.get(dep) ?? 0) + 1);
  const unfinishedDependents = new Map(dependents);
  const finished = new Set<string>();
  let needed = 0;
  let mostNeeded = 0;
  let largest = 0;
  let mostHeld = 0;
  let beyond = Number.NEGATIVE_INFINITY;
  const runStart = performance.now();
  const execution = startExecution(prepared, { source: 'cli' }, { name: 'state-size', handlers: Object.fromEntries(ids.map((id) => [id, handler])) });
  for await (const event of execution.events) {
    if (event.type !== 'entered' && event.type !== 'exited') continue;
    const state = event.type === 'entered' ? event.input : event.output;
    const held = stepsIn(state);
    const ending = event.type === 'exited' && event.stateType === 'Task' && !finished.has(event.state);
    // What a state passes on; its input is what the state before it passed on (a drop Pass's input is what it drops).
    if (event.type === 'exited') beyond = Math.max(beyond, held - 2 * (needed + (ending ? 1 : 0)));
    if (ending) {
      finished.add(event.state);
      // A step's result is needed from its end until its last dependent ends (leaves: to the end of the run).
      needed++;
      for (const dep of graph.steps[event.state]?.dependsOn ?? []) {
        const left = (unfinishedDependents.get(dep) ?? 1) - 1;
        unfinishedDependents.set(dep, left);
        if (left === 0) needed--;
      }
      mostNeeded = Math.max(mostNeeded, needed);
    }
    largest = Math.max(largest, Buffer.byteLength(JSON.stringify(state)));
    mostHeld = Math.max(mostHeld, held);
  }
  const outcome = await execution.result;
  return {
    status: outcome.status,
    steps: ids.length,
    largestStateBytes: largest,
    mostResultsHeld: mostHeld,
    mostResultsNeeded: mostNeeded,
    mostHeldBeyondTwiceNeeded: beyond,
    compileMs,
    runMs: performance.now() - runStart,
  };
}
