/** A heavy step: a container on ECS Fargate, a local process on the embedded runtime. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Issue, issue } from '../../contract/issues';
import { isInside } from '../../shared/paths';
import type { StepKindSpec } from '../spec';
import { checkStepAccess } from '../spec';
import { containerStepSchema, DEFAULT_CONTAINER_CPU, DEFAULT_CONTAINER_MEMORY_MIB, imageSourceOf } from './schema';

function checkImage(image: string, at: readonly string[], rootDir: string): Issue[] {
  const source = imageSourceOf(image);
  if (source.type === 'registry') return [];
  if (!isInside(rootDir, source.folder)) {
    return [
      issue(
        'missing-container-image',
        at,
        `"${image}" is outside the project root, which is the Docker build context`,
        `move the Dockerfile folder under ${rootDir} and write it "./path/from/root", or give an image URI`,
      ),
    ];
  }
  if (!existsSync(join(resolve(rootDir, source.folder), 'Dockerfile'))) {
    return [
      issue(
        'missing-container-image',
        at,
        `no Dockerfile in "${image}"`,
        'give a folder with a Dockerfile (from the project root) or an image URI such as "public.ecr.aws/org/image:tag"',
      ),
    ];
  }
  return [];
}

export const containerKind: StepKindSpec<typeof containerStepSchema> = {
  schema: containerStepSchema,
  defaults: { timeoutSeconds: 3600, estimatedSeconds: () => 60, memoryMiB: DEFAULT_CONTAINER_MEMORY_MIB, runsOn: 'fargate', cpu: (step) => step.cpu ?? DEFAULT_CONTAINER_CPU },
  diagramShape: ['[[', ']]'],
  check(step, { rootDir, graph }) {
    const found: Issue[] = [...checkStepAccess(step, graph)];
    if (typeof step.raw['image'] === 'string') found.push(...checkImage(step.raw['image'], ['steps', step.id, 'image'], rootDir));
    const local = step.raw['local'];
    const cwd = local !== null && typeof local === 'object' && 'cwd' in local ? local.cwd : undefined;
    if (typeof cwd === 'string' && !isInside(rootDir, cwd)) {
      found.push(issue('schema', ['steps', step.id, 'local', 'cwd'], `"${cwd}" is outside the project`, 'give a folder inside the project, from its root'));
    }
    if (local === undefined) {
      found.push(
        issue(
          'missing-local-command',
          ['steps', step.id],
          'no "local.command": the embedded runtime cannot run this step without Docker',
          'add "local": { "command": ["npx", "tsx", "..."] }',
          'warning',
        ),
      );
    }
    return found;
  },
};
