import type { LooseStep } from '../../kinds/spec';
import type { DependencyGraph } from '../../shared/topology';

export type { LooseStep };

export interface RuleContext {
  readonly steps: ReadonlyMap<string, LooseStep>;
  readonly raw: Readonly<Record<string, unknown>>;
  /** Only the dependencies that name existing steps (other than the step itself). */
  readonly graph: DependencyGraph;
  /** Folder that handler and image paths are relative to. */
  readonly rootDir: string;
}

export function buildRuleContext(raw: Readonly<Record<string, unknown>>, rootDir: string): RuleContext {
  const rawSteps = raw['steps'];
  const steps = new Map<string, LooseStep>();
  if (rawSteps !== null && typeof rawSteps === 'object' && !Array.isArray(rawSteps)) {
    for (const [id, value] of Object.entries(rawSteps as Record<string, unknown>)) {
      const record = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      const rawDeps: unknown = record['dependsOn'];
      const deps: readonly unknown[] = Array.isArray(rawDeps) ? rawDeps : [];
      steps.set(id, {
        id,
        raw: record,
        kind: record['kind'],
        dependsOn: deps.flatMap((dep, index) => (typeof dep === 'string' ? [{ id: dep, index }] : [])),
      });
    }
  }
  const predecessors = new Map<string, string[]>();
  for (const step of steps.values()) {
    predecessors.set(step.id, [...new Set(step.dependsOn.map((d) => d.id).filter((d) => d !== step.id && steps.has(d)))]);
  }
  return { steps, raw, graph: { ids: [...steps.keys()], predecessors }, rootDir };
}

export type Rule = (context: RuleContext) => import('../../contract/issues').Issue[];
