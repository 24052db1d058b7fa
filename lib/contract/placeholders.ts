/**
 * `${...}` placeholders in the compiled ASL, and what fills them: CDK through `definitionSubstitutions`
 * (lib/cdk/pipeline.ts), the local runtime with local bindings (lib/local/engine/bindings.ts). The same
 * bytes run in both places.
 */
import { OrchestraError } from '../shared/errors';
import { resourceNameOf } from './resource-names';

export const PLACEHOLDERS = {
  dataBucket: 'DataBucketName',
  simulateFunction: 'SimulateFunctionArn',
  serviceCallFunction: 'ServiceCallFunctionArn',
  /** Orchestra's step-reuse function (functions/step-reuse), called around every reused step. */
  stepReuseFunction: 'StepReuseFunctionArn',
  ecsCluster: 'EcsClusterArn',
  /** Comma-separated, split in the state machine with States.StringSplit (substitutions are strings). */
  subnetIds: 'SubnetIds',
  securityGroupIds: 'SecurityGroupIds',
} as const;

export const lambdaFunctionPlaceholder = (stepId: string): string => `LambdaFunctionArn_${resourceNameOf(stepId)}`;
/** The state machine a `pipeline` step starts, named after the child pipeline. */
/** Escaped rather than resourceNameOf'd: two children "a-b" and "a_b" of one graph must not share a placeholder. */
export const stateMachinePlaceholder = (pipeline: string): string => `StateMachineArn_${pipeline.replaceAll('_', '__').replaceAll('-', '_d')}`;
/** A reused step's code identity (a Lambda bundle's hash, a container image's): part of its reuse key. */
export const codeIdentityPlaceholder = (stepId: string): string => `CodeIdentity_${resourceNameOf(stepId)}`;
export const taskDefinitionPlaceholder = (stepId: string): string => `TaskDefinitionArn_${resourceNameOf(stepId)}`;

export const ref = (name: string): string => `\${${name}}`;

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** Every placeholder name used in `definition`, sorted. */
export function placeholdersIn(definition: string): string[] {
  return [...new Set([...definition.matchAll(PLACEHOLDER)].flatMap((m) => (m[1] === undefined ? [] : [m[1]])))].sort();
}

export class MissingSubstitutionError extends OrchestraError {
  override readonly name = 'MissingSubstitutionError';
  constructor(readonly missing: readonly string[]) {
    super('missing-substitution', `no value for placeholder(s): ${missing.join(', ')}`, { audience: 'internal' });
  }
}

/** Fills every placeholder; a missing value is an error, never an unfilled `${...}` left behind. */
export function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  const missing = placeholdersIn(definition).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new MissingSubstitutionError(missing);
  return definition.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

/**
 * Exactly the values `definition` uses, taken from `available`: CloudFormation fails on a missing one,
 * and passing an unused one would hide a misspelt placeholder.
 */
export function substitutionsFor(definition: string, available: Readonly<Record<string, string>>): Record<string, string> {
  const used = placeholdersIn(definition);
  const missing = used.filter((name) => available[name] === undefined);
  if (missing.length > 0) throw new MissingSubstitutionError(missing);
  return Object.fromEntries(used.map((name) => [name, available[name] ?? '']));
}
