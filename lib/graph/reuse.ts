/**
 * Which steps are reused across runs (docs/reuse.md): those the graph asks for (`reuse` on the step,
 * else `defaults.reuse`) and Orchestra can reuse soundly. A step with effects elsewhere — rows in
 * tables, simulated products, writes its `access` grants, a service's work, a child pipeline's run —
 * is only skipped when the graph says running it again would change nothing (`idempotent`).
 *
 * Read loosely (fields as the graph file has them), so the graph rules give the same answer as the
 * compiler before the graph is known to be valid.
 */
import { asJsonRecord } from '../shared/json';
import type { PipelineGraph, Step } from './schema';

type LooseFields = Readonly<Record<string, unknown>>;

const listLength = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

/** The effects a reuse would not replay, in the words of the graph's fields. */
export function effectsElsewhere(step: LooseFields): string[] {
  const effects: string[] = [];
  if (listLength(step['tables']) > 0) effects.push('it writes "tables"');
  if (step['kind'] === 'simulate' && step['writes'] !== undefined) effects.push('it "writes" simulated products');
  if (step['kind'] === 'service') effects.push('a service step hands work to another service');
  if (step['kind'] === 'pipeline') effects.push("a pipeline step starts another pipeline's run");
  const access = asJsonRecord(step['access']);
  if (listLength(access?.['write']) + listLength(access?.['delete']) > 0) effects.push('its "access" writes or deletes outside its own folder');
  return effects;
}

/** Why a step cannot be reused, or undefined when it can (whether or not the graph asks). */
export function reuseRefusal(step: LooseFields): string | undefined {
  if (step['forEach'] !== undefined) return 'a forEach step is not reused yet: its items are not keyed one by one';
  const effects = effectsElsewhere(step);
  if (effects.length > 0 && step['idempotent'] !== true) return `${effects.join('; ')}: say "idempotent": true if running it again changes nothing`;
  return undefined;
}

/** Whether the compiled machine checks for and saves this step's results (asked for, and possible). */
export const isReused = (graph: PipelineGraph, step: Step): boolean => (step.reuse ?? graph.defaults?.reuse ?? false) && reuseRefusal(step) === undefined;
