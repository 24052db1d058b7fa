/** Which handler file each deployed function bundles: one list for the tests and `npm run bench`. */
import { reusedStepsOf } from '../access/step-reuse';
import type { PipelineSource } from '../catalogue';
import { hasServiceSteps } from '../kinds/service/spec';
import { type BuiltinFunctionName, builtinFunctionSource } from '../shared/builtin-functions';
import { functionEntryOf } from './kinds/registry';

export interface FunctionEntry {
  /** e.g. `flood/validate-inputs`, `ingest-trigger` */
  readonly label: string;
  /** The handler module (a built-in function's TypeScript source: this list serves a checkout of Orchestra). */
  readonly entry: string;
}

const builtin = (name: BuiltinFunctionName): FunctionEntry => ({ label: name, entry: builtinFunctionSource(name) });

/** Every distinct function the stack deploys for these pipelines. */
export function functionEntriesOf(sources: readonly PipelineSource[]): FunctionEntry[] {
  const entries: FunctionEntry[] = [];
  for (const { graph, rootDir } of sources) {
    for (const [stepId, step] of Object.entries(graph.steps)) {
      const entry = functionEntryOf(step, rootDir);
      if (entry !== undefined) entries.push({ label: `${graph.name}/${stepId}`, entry });
    }
  }
  if (sources.some((s) => s.graph.trigger?.ingestPrefix !== undefined)) entries.push(builtin('ingest-trigger'));
  if (sources.some((s) => hasServiceSteps(s.graph))) entries.push(builtin('service-call'));
  if (sources.some((s) => s.graph.trigger?.mode === 'keyed')) entries.push(builtin('keyed-conductor'));
  if (sources.some((s) => reusedStepsOf(s.graph).length > 0)) entries.push(builtin('step-reuse'));
  if (sources.length > 0) entries.push(builtin('run-provenance'));
  entries.push(builtin('simulate-step'), builtin('runs-api'));
  return entries;
}
