/** The registry of step kinds, local-runtime side (see specs.ts for adding a kind). */
import type { Json } from '../../compiler/asl';
import type { StepKind, StepsByKind } from '../../graph/schema';
import type { LocalKind, StepRunContext } from '../task-runners';
import { containerLocal } from './container';
import { lambdaLocal } from './lambda';
import { pipelineLocal } from './pipeline';
import { serviceLocal } from './service';
import { simulateLocal } from './simulate';

const LOCAL_KINDS: { readonly [K in StepKind]: LocalKind<StepsByKind[K]> } = {
  lambda: lambdaLocal,
  container: containerLocal,
  simulate: simulateLocal,
  service: serviceLocal,
  pipeline: pipelineLocal,
};

// The kind is passed beside the context so TypeScript can correlate the registry entry with the step type.
const runFor = <K extends StepKind>(kind: K, context: StepRunContext<StepsByKind[K]>): Promise<Json> => LOCAL_KINDS[kind].run(context);

export const runStepLocally = (context: StepRunContext): Promise<Json> => runFor(context.step.kind, context);
export const runsAsProcess = (kind: StepKind): boolean => LOCAL_KINDS[kind].isProcess;
