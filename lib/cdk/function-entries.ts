/** Which handler file each deployed function bundles: one list for the stack, the tests and `npm run bench`. */
import { join } from 'node:path';
import type { PipelineSource } from '../catalogue';
import { functionEntryOf } from '../kinds/cdk';
import { hasServiceSteps } from '../kinds/service/spec';

const FUNCTIONS_DIR = join(import.meta.dirname, '..', '..', 'functions');

/** The shared function behind every `simulate` step. */
export const SIMULATE_STEP_ENTRY = join(FUNCTIONS_DIR, 'simulate-step', 'index.ts');
/** The shared function behind every `service` step. */
export const SERVICE_CALL_ENTRY = join(FUNCTIONS_DIR, 'service-call', 'index.ts');
/** The upload trigger of every pipeline with an ingest prefix. */
export const INGEST_TRIGGER_ENTRY = join(FUNCTIONS_DIR, 'ingest-trigger', 'index.ts');

/** The keyed triggers' conductor, when any pipeline has one. */
export const KEYED_CONDUCTOR_ENTRY = join(FUNCTIONS_DIR, 'keyed-conductor', 'index.ts');

/** The runs API behind API Gateway. */
export const RUNS_API_ENTRY = join(FUNCTIONS_DIR, 'runs-api', 'index.ts');

export interface FunctionEntry {
  /** e.g. `flood/validate-inputs`, `ingest-trigger` */
  readonly label: string;
  readonly entry: string;
}

/** Every distinct function the stack deploys for these pipelines. */
export function functionEntriesOf(sources: readonly PipelineSource[]): FunctionEntry[] {
  const entries: FunctionEntry[] = [];
  for (const { graph, rootDir } of sources) {
    for (const [stepId, step] of Object.entries(graph.steps)) {
      const entry = functionEntryOf(step, rootDir);
      if (entry !== undefined) entries.push({ label: `${graph.name}/${stepId}`, entry });
    }
  }
  if (sources.some((s) => s.graph.trigger?.ingestPrefix !== undefined)) entries.push({ label: 'ingest-trigger', entry: INGEST_TRIGGER_ENTRY });
  if (sources.some((s) => hasServiceSteps(s.graph))) entries.push({ label: 'service-call', entry: SERVICE_CALL_ENTRY });
  if (sources.some((s) => s.graph.trigger?.mode === 'keyed')) entries.push({ label: 'keyed-conductor', entry: KEYED_CONDUCTOR_ENTRY });
  entries.push({ label: 'simulate-step', entry: SIMULATE_STEP_ENTRY }, { label: 'runs-api', entry: RUNS_API_ENTRY });
  return entries;
}
