import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';
import { type Issue, issue } from '../issues';
import type { RuleContext } from './context';

/** An image starting with "./", "../" or "/" is a folder holding a Dockerfile; anything else is an image URI. */
export const isImagePath = (image: string): boolean => /^(\.\.?\/|\/)/.test(image);

const HANDLER_EXPORT = /export\s+(?:const|let|var|async\s+function|function)\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/;

export function checkFiles({ steps, rootDir }: RuleContext): Issue[] {
  const found: Issue[] = [];
  for (const step of steps.values()) {
    if (step.kind === 'lambda' && typeof step.raw['handler'] === 'string') {
      const handler = step.raw['handler'];
      const at = ['steps', step.id, 'handler'];
      const file = isAbsolute(handler) ? handler : join(rootDir, handler);
      const inFunctions = !relative(join(rootDir, 'functions'), normalize(file)).startsWith('..');
      if (!handler.endsWith('.ts')) {
        found.push(
          issue('missing-handler-file', at, `handler "${handler}" is not a TypeScript file`, 'point to a .ts file under functions/, e.g. "functions/validate-inputs/index.ts"'),
        );
      } else if (!existsSync(file) || !statSync(file).isFile()) {
        found.push(
          issue(
            'missing-handler-file',
            at,
            `handler file "${handler}" does not exist (looked in ${rootDir})`,
            'create it under functions/, or fix the path (relative to the project root)',
          ),
        );
      } else if (!inFunctions) {
        found.push(issue('missing-handler-file', at, `handler "${handler}" is outside functions/`, 'move it under functions/ so it is bundled and deployed'));
      } else if (!HANDLER_EXPORT.test(readFileSync(file, 'utf8'))) {
        found.push(issue('missing-handler-export', at, `"${handler}" does not export "handler"`, 'add `export const handler = ...`'));
      }
    }
    if (step.kind === 'container' && typeof step.raw['image'] === 'string') {
      const image = step.raw['image'];
      if (isImagePath(image)) {
        const dockerfile = join(isAbsolute(image) ? image : join(rootDir, image), 'Dockerfile');
        if (!existsSync(dockerfile)) {
          found.push(
            issue(
              'missing-container-image',
              ['steps', step.id, 'image'],
              `no Dockerfile in "${image}"`,
              'give a folder with a Dockerfile (from the project root) or an image URI such as "public.ecr.aws/org/image:tag"',
            ),
          );
        }
      }
      if (step.raw['local'] === undefined) {
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
    }
  }
  return found;
}
