/** The CDK app (`cdk synth`, `cdk deploy`): every pipeline in state-machines/ from its committed ASL. */
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadCatalogue } from '../lib/catalogue';
import { OrchestraStack } from '../lib/cdk';

const root = join(import.meta.dirname, '..');
const app = new App();
const pipelines = loadCatalogue(root);
const vpcId: unknown = app.node.tryGetContext('vpcId');
new OrchestraStack(app, app.node.tryGetContext('stackName') ?? 'Orchestra', {
  pipelines,
  projectRoot: root,
  ...(typeof vpcId === 'string' ? { vpcId } : {}),
  ...(process.env['CDK_DEFAULT_ACCOUNT'] === undefined ? {} : { env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] ?? 'us-east-1' } }),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
