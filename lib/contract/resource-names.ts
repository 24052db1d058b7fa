/**
 * Step id → name usable in CloudFormation logical ids, CDK construct ids and ASL placeholders
 * (`${LambdaArn_RunModel}`): letters and digits only. "run-model" and "run_model" both give
 * "RunModel"; the step-ids rule reports such collisions.
 */
import { createHash } from 'node:crypto';

/** Step Functions' longest state machine name. */
export const MAX_STATE_MACHINE_NAME_LENGTH = 80;

/**
 * The deployed state machine of a pipeline: `<stack>-<pipeline>`, so two stacks in one account and
 * region (staging beside production) never collide. A long stack name is shortened and made unique
 * with a hash of it; the pipeline name is kept whole (at most 64 characters), so the name fits 80.
 * The stack passes its name to the functions that find state machines (FUNCTION_ENV.stackName).
 */
export function deployedStateMachineName(stackName: string, pipeline: string): string {
  const full = `${stackName}-${pipeline}`;
  if (full.length <= MAX_STATE_MACHINE_NAME_LENGTH) return full;
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 8);
  const kept = stackName.slice(0, MAX_STATE_MACHINE_NAME_LENGTH - pipeline.length - hash.length - 2);
  return `${kept}-${hash}-${pipeline}`;
}

export function resourceNameOf(stepId: string): string {
  return stepId
    .split(/[-_]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .replace(/[^A-Za-z0-9]/g, '');
}
