/**
 * What the graph layer knows of a step kind: its schema, the checks the schema cannot express, and
 * how a diagram draws it. The compiler, the local runtime and CDK keep their part of each kind in
 * the same folder (lib/kinds/<kind>/{compile,local,cdk}.ts), each behind its own registry, because
 * the compiler must stay free of aws-cdk-lib and the local engine.
 */
import type { z } from 'zod';
import type { Issue } from '../graph/issues';
import type { LooseStep } from '../graph/rules/context';

export interface StepKindSpec<Schema extends z.ZodObject = z.ZodObject> {
  readonly schema: Schema;
  /** Checks on a step as far as it could be read (even when the schema rejected parts of it); `graph` is the whole raw graph. */
  readonly check?: (step: LooseStep, rootDir: string, graph: Readonly<Record<string, unknown>>) => Issue[];
  /** Mermaid node brackets. */
  readonly diagramShape: readonly [open: string, close: string];
}
