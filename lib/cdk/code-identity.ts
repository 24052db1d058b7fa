/**
 * What the stack fills a reused step's code identity placeholder with (lib/compiler/reuse.ts): a
 * Lambda step's bundle hash and bundled files (the formula the local runtime uses), a container
 * built from a Dockerfile by its image asset's hash (CDK's, from the build context as .dockerignore
 * filters it), one from a registry by its URI (pin it by digest for reuse to notice a new image), and
 * Orchestra's built-in functions by Orchestra's version.
 */
import { join } from 'node:path';
import { DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import type { FargateTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { lambdaCodeIdentity } from '../bundling/code-identity';
import { bundleLambdaSync } from '../bundling/lambda-bundle';
import type { Step } from '../graph/schema';
import { InvariantError } from '../shared/errors';
import { orchestraVersion } from '../shared/package-root';

export function deployedCodeIdentity(step: Step, rootDir: string, taskDefinition: FargateTaskDefinition | undefined): string {
  switch (step.kind) {
    case 'lambda':
      return lambdaCodeIdentity(bundleLambdaSync(join(rootDir, step.handler)).hash, step.files ?? [], rootDir);
    case 'container': {
      const asset = taskDefinition?.node.findAll().find((construct) => construct instanceof DockerImageAsset);
      if (asset instanceof DockerImageAsset) return `image asset ${asset.assetHash}`;
      if (taskDefinition?.defaultContainer === undefined) throw new InvariantError('a container step without its task definition');
      return `image ${taskDefinition.defaultContainer.imageName}`;
    }
    default:
      return `orchestra ${orchestraVersion()} ${step.kind}`;
  }
}
