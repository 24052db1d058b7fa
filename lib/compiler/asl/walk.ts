/** The one walk over a definition's states, nested Parallel branches and Map item processors included. */
import type { AnyBranch, AnyState, Branch, State } from './types';

export interface VisitedState<S extends AnyState = AnyState> {
  readonly name: string;
  readonly state: S;
  /** JSON path of the state in the definition, e.g. `States.P.Branches[0].States.T`. */
  readonly path: string;
}

/** Every state, depth first, each before the states nested in it. */
export function walkStates(branch: Branch, path?: string): Generator<VisitedState<State>>;
export function walkStates(branch: AnyBranch, path?: string): Generator<VisitedState>;
export function* walkStates(branch: AnyBranch, path = 'States'): Generator<VisitedState> {
  for (const [name, state] of Object.entries(branch.States)) {
    const at = `${path}.${name}`;
    yield { name, state, path: at };
    for (const [i, nested] of (state.Branches ?? []).entries()) yield* walkStates(nested, `${at}.Branches[${i}].States`);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor !== undefined) yield* walkStates(processor, `${at}.ItemProcessor.States`);
  }
}

/** Whether a state (typed or parsed from any definition) is a Distributed Map: its items are child executions. */
export function isDistributedMap(state: AnyState): boolean {
  const processor: unknown = state.ItemProcessor;
  if (processor === null || typeof processor !== 'object' || !('ProcessorConfig' in processor)) return false;
  const config: unknown = processor.ProcessorConfig;
  return config !== null && typeof config === 'object' && 'Mode' in config && config.Mode === 'DISTRIBUTED';
}
