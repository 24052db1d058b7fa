/** The CDK app (`npx cdk synth`, `npx cdk deploy`): every pipeline in state-machines/, with its handlers from this project. */
import { App } from 'aws-cdk-lib';
import { addSecurityChecks, loadCatalogue, OrchestraStack } from 'orchestra/cdk';

const root = new URL('..', import.meta.url).pathname;
const app = new App();
new OrchestraStack(app, app.node.tryGetContext('stackName') ?? '{{stackName}}', { pipelines: loadCatalogue(root), projectRoot: root });
addSecurityChecks(app);
