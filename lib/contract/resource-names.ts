/**
 * Step id → name usable in CloudFormation logical ids, CDK construct ids and ASL placeholders
 * (`${LambdaArn_RunModel}`): letters and digits only. "run-model" and "run_model" both give
 * "RunModel"; the step-ids rule reports such collisions.
 */
/** The deployed state machine of a pipeline: what the stack names it, and how functions find it from a prefix. */
export const deployedStateMachineName = (pipeline: string): string => `orchestra-${pipeline}`;

export function resourceNameOf(stepId: string): string {
  return stepId
    .split(/[-_]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .replace(/[^A-Za-z0-9]/g, '');
}
