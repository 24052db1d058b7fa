/**
 * `${...}` placeholders in the compiled ASL. CDK fills them through `definitionSubstitutions`, the
 * local runtime with local bindings: the same bytes run in both places.
 */
import { resourceNameOf } from '../graph/resource-names';

export const DATA_BUCKET = 'DataBucketName';
export const SIMULATE_FUNCTION = 'SimulateFunctionArn';
export const ECS_CLUSTER = 'EcsClusterArn';
/** Comma-separated, split in the state machine with States.StringSplit (substitutions are strings). */
export const SUBNET_IDS = 'SubnetIds';
export const SECURITY_GROUP_IDS = 'SecurityGroupIds';

export const lambdaFunctionPlaceholder = (stepId: string): string => `LambdaFunctionArn_${resourceNameOf(stepId)}`;
export const taskDefinitionPlaceholder = (stepId: string): string => `TaskDefinitionArn_${resourceNameOf(stepId)}`;

export const ref = (name: string): string => '${' + name + '}';

/** Every placeholder name used in `definition`, sorted. */
export function placeholdersIn(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string))].sort();
}

export class MissingSubstitutionError extends Error {
  override readonly name = 'MissingSubstitutionError';
}

/** Fills every placeholder; a missing value is an error, never an unfilled `${...}` left behind. */
export function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  const missing = placeholdersIn(definition).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new MissingSubstitutionError(`no value for placeholder(s): ${missing.join(', ')}`);
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => values[name] as string);
}
