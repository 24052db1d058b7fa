import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Runs cdk-nag's AWS Solutions rules on every stack of the app at synth: a finding fails `cdk synth`.
 * Orchestra's own resources pass them (each exception it makes is acknowledged with its reason).
 */
export function addSecurityChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
