/**
 * What the graph layer knows of a step kind: its schema, the checks the schema cannot express, and
 * how a diagram draws it. The compiler, the local runtime and CDK keep their part of each kind in
 * the same folder (lib/kinds/<kind>/{compile,local,cdk}.ts), each behind its own registry, because
 * the compiler must stay free of aws-cdk-lib and the local engine.
 */
import type { z } from 'zod';
import { accessProblems } from '../contract/step-access';
import { type Issue, issue } from '../graph/issues';
import type { LooseStep } from '../graph/rules/context';

/** A kind's settings where neither the step nor the graph's `defaults` set one (lib/graph/resolve-step.ts). */
export interface KindDefaults<S> {
  /** Per-attempt timeout. */
  readonly timeoutSeconds: number;
  /** Expected seconds, for planning only. */
  readonly estimatedSeconds: (step: S) => number;
  /** Memory of the function or task that runs the step (a shared function's for simulate and service steps); none for pipeline steps. */
  readonly memoryMiB?: number;
}

export interface StepKindSpec<Schema extends z.ZodObject = z.ZodObject> {
  readonly schema: Schema;
  readonly defaults: KindDefaults<z.infer<Schema>>;
  /** Checks on a step as far as it could be read (even when the schema rejected parts of it); `graph` is the whole raw graph. */
  readonly check?: (step: LooseStep, rootDir: string, graph: Readonly<Record<string, unknown>>) => Issue[];
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
