/** The registry of step kinds, CDK side (see specs.ts for adding a kind). */

import type { Step, StepKind, StepsByKind } from '../../graph/schema';
import type { CdkKind, StepResources, StepResourcesContext } from '../step-resources';
import { containerCdk } from './container';
import { lambdaCdk } from './lambda';
import { pipelineCdk } from './pipeline';
import { serviceCdk } from './service';
import { simulateCdk } from './simulate';

const CDK_KINDS: { readonly [K in StepKind]: CdkKind<StepsByKind[K]> } = {
  lambda: lambdaCdk,
  container: containerCdk,
  simulate: simulateCdk,
  service: serviceCdk,
  pipeline: pipelineCdk,
};

// The kind is passed beside the step so TypeScript can correlate the registry entry with the step type.
const resourcesFor = <K extends StepKind>(kind: K, context: StepResourcesContext<StepsByKind[K]>): StepResources => CDK_KINDS[kind].resources(context);
const entryFor = <K extends StepKind>(kind: K, step: StepsByKind[K], rootDir: string): string | undefined => CDK_KINDS[kind].functionEntry?.(step, rootDir);

export const stepResources = (context: StepResourcesContext): StepResources => resourcesFor(context.step.kind, context);
export const needsContainerNetwork = (step: Step): boolean => CDK_KINDS[step.kind].needsContainerNetwork ?? false;
export const functionEntryOf = (step: Step, rootDir: string): string | undefined => entryFor(step.kind, step, rootDir);
