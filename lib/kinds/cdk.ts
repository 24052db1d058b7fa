/** The registry of step kinds, CDK side (see specs.ts for adding a kind). */
import type { CdkKind, StepResources, StepResourcesContext } from '../cdk/step-resources';
import type { StepKind, StepsByKind } from '../graph/schema';
import { containerCdk } from './container/cdk';
import { lambdaCdk } from './lambda/cdk';
import { simulateCdk } from './simulate/cdk';

const CDK_KINDS: { readonly [K in StepKind]: CdkKind<StepsByKind[K]> } = { lambda: lambdaCdk, container: containerCdk, simulate: simulateCdk };

// The kind is passed beside the context so TypeScript can correlate the registry entry with the step type.
const resourcesFor = <K extends StepKind>(kind: K, context: StepResourcesContext<StepsByKind[K]>): StepResources => CDK_KINDS[kind](context);

export const stepResources = (context: StepResourcesContext): StepResources => resourcesFor(context.step.kind, context);
