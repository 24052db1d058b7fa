import type { CdkKind } from '../../cdk/step-resources';
import { PLACEHOLDERS } from '../../contract/placeholders';
import type { SimulateStep } from '../../graph/schema';

/** Every simulate step calls the stack's one shared function; the settings travel in the event. */
export const simulateCdk: CdkKind<SimulateStep> = {
  resources: ({ simulateFunction }) => ({ substitutions: { [PLACEHOLDERS.simulateFunction]: simulateFunction.functionArn }, invokes: simulateFunction }),
};
