import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CloudFormationLimits } from './cloudformation-limits';

/**
 * Runs cdk-nag's AWS Solutions rules, and CloudFormation's limits (./cloudformation-limits.ts), on every
 * stack of the app at synth: a finding fails `cdk synth`. Orchestra's own resources pass the rules (each
 * exception it makes is acknowledged with its reason).
 */
export function addSecurityChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CloudFormationLimits());
}
