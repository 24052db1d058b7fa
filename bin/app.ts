/** The CDK app (`cdk synth`, `cdk deploy`): every pipeline in state-machines/, deployed through the entry point a lab uses. */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addSecurityChecks, loadCatalogue, OrchestraStack } from 'orchestra/cdk';

const root = join(import.meta.dirname, '..');
const app = new App();
const vpcId: unknown = app.node.tryGetContext('vpcId');
new OrchestraStack(app, app.node.tryGetContext('stackName') ?? 'Orchestra', {
  pipelines: loadCatalogue(root),
  projectRoot: root,
  ...(typeof vpcId === 'string' ? { vpcId } : {}),
  ...(process.env['CDK_DEFAULT_ACCOUNT'] === undefined ? {} : { env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] ?? 'us-east-1' } }),
});
addSecurityChecks(app);
