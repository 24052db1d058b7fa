/**
 * What the graph layer knows of a step kind: its schema, the checks the schema cannot express, and
 * how a diagram draws it — what the graph, the compiler, the local runtime and CDK share about a kind,
 * below all of them. Each of those keeps its own part of each kind in its own layer
 * (lib/compiler/kinds, lib/local/kinds, lib/cdk/kinds), behind its own registry.
 */
import type { z } from 'zod';
import { type Issue, issue } from '../contract/issues';
import type { StepPricing } from '../contract/prices';
import { accessProblems } from '../contract/step-access';

/** A step as far as it could be read, even when the schema rejected parts of it. */
export interface LooseStep {
  readonly id: string;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly kind: unknown;
  /** `dependsOn` entries that are strings, with their index in the array. */
  readonly dependsOn: ReadonlyArray<{ readonly id: string; readonly index: number }>;
}

/** What a kind's checks are given beside the step: where its files are, the whole raw graph, and the timeout it resolves to (lib/graph/resolve-step.ts). */
export interface KindCheckContext {
  readonly rootDir: string;
  readonly graph: Readonly<Record<string, unknown>>;
  /** Per attempt, as the compiler, the stack and the local runtime will give it (its own, else the graph's default, else the kind's). */
  readonly timeoutSeconds: number;
}

/** A kind's settings where neither the step nor the graph's `defaults` set one (lib/graph/resolve-step.ts). */
export interface KindDefaults<S> {
  /** Per-attempt timeout. */
  readonly timeoutSeconds: number;
  /** Expected seconds, for planning only. */
  readonly estimatedSeconds: (step: S) => number;
  /** Memory of the function or task that runs the step (a shared function's for simulate and service steps); none for pipeline steps. */
  readonly memoryMiB?: number;
  /** What runs the step, for its cost; `billedSecondsPerRun` when its Task's time is not what is billed (a service step's wait is free). */
  readonly runsOn: StepPricing['runsOn'];
  readonly billedSecondsPerRun?: number;
  /** Fargate CPU units of the task (container steps). */
  readonly cpu?: (step: S) => number;
}

export interface StepKindSpec<Schema extends z.ZodObject = z.ZodObject> {
  readonly schema: Schema;
  readonly defaults: KindDefaults<z.infer<Schema>>;
  /** Checks on a step as far as it could be read (even when the schema rejected parts of it); `graph` is the whole raw graph. */
  readonly check?: (step: LooseStep, context: KindCheckContext) => Issue[];
  /** Mermaid node brackets. */
  readonly diagramShape: readonly [open: string, close: string];
}

/** A step's `access` (lib/contract/step-access.ts), checked where the schema cannot: not under Orchestra's own records. */
const texts = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined);

export function checkStepAccess(step: LooseStep, graph: Readonly<Record<string, unknown>>): Issue[] {
  const access = step.raw['access'];
  if (access === null || typeof access !== 'object' || typeof graph['name'] !== 'string') return [];
  const entries = {
    read: texts('read' in access ? access.read : undefined),
    write: texts('write' in access ? access.write : undefined),
    delete: texts('delete' in access ? access.delete : undefined),
  };
  return accessProblems(graph['name'], entries).map(({ field, index, message }) =>
    issue('invalid-access', ['steps', step.id, 'access', field, index], message, "name a prefix of your own data (or of this pipeline's runs), or drop the entry"),
  );
}
