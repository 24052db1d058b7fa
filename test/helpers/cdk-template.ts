/** Synthesizing the stack under cdk-nag, and reading IAM statements out of its template, for the CDK tests. */
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { PipelineSource } from '../../lib/catalogue';
import { OrchestraStack } from '../../lib/cdk';

const ROOT = join(import.meta.dirname, '..', '..');

/** An app whose synth fails on any cdk-nag finding not acknowledged. */
export function checkedApp(): App {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/** The stack of these pipelines in a checked app: `app.synth()` runs cdk-nag. */
export function checkedStack(id: string, pipelines: readonly PipelineSource[]): { app: App; template: Template } {
  const app = checkedApp();
  return { app, template: Template.fromStack(new OrchestraStack(app, id, { pipelines, projectRoot: ROOT })) };
}

export interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every IAM statement of the template, or only those of the policies attached to roles whose logical id contains `role`. */
export function statementsOf(template: Template, role?: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => role === undefined || JSON.stringify(policy['Properties'].Roles).includes(role))
    .flatMap((policy) => policy['Properties'].PolicyDocument.Statement as Statement[]);
}

export const actionsOf = (statements: readonly Statement[]): string[] => statements.flatMap((s) => [s.Action].flat());
