/** A light step: one AWS Lambda function per step, called in-process by the local runtime. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { type Issue, issue } from '../../contract/issues';
import { isInside } from '../../shared/paths';
import type { StepKindSpec } from '../spec';
import { checkStepAccess } from '../spec';
import { DEFAULT_LAMBDA_MEMORY_MIB, LAMBDA_MAX_TIMEOUT_SECONDS, lambdaStepSchema } from './schema';

const HANDLER_EXPORT = /export\s+(?:const|let|var|async\s+function|function)\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/;

function checkHandler(handler: string, at: readonly string[], rootDir: string): Issue[] {
  const file = isAbsolute(handler) ? handler : join(rootDir, handler);
  const inFunctions = isInside(join(rootDir, 'functions'), normalize(file));
  if (!handler.endsWith('.ts')) {
    return [issue('missing-handler-file', at, `handler "${handler}" is not a TypeScript file`, 'point to a .ts file under functions/, e.g. "functions/validate-inputs/index.ts"')];
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    return [
      issue(
        'missing-handler-file',
        at,
        `handler file "${handler}" does not exist (looked in ${rootDir})`,
        'create it under functions/, or fix the path (relative to the project root)',
      ),
    ];
  }
  if (!inFunctions) return [issue('missing-handler-file', at, `handler "${handler}" is outside functions/`, 'move it under functions/ so it is bundled and deployed')];
  if (!HANDLER_EXPORT.test(readFileSync(file, 'utf8'))) return [issue('missing-handler-export', at, `"${handler}" does not export "handler"`, 'add `export const handler = ...`')];
  return [];
}

/** Each data file must be a file inside the project, since it is copied into the bundle by that path. */
function checkFiles(files: readonly unknown[], at: readonly string[], rootDir: string): Issue[] {
  return files.flatMap((path, index) => {
    if (typeof path !== 'string') return [];
    const file = join(rootDir, path);
    if (isAbsolute(path) || !isInside(rootDir, normalize(file)))
      return [
        issue(
          'missing-bundled-file',
          [...at, String(index)],
          `"${path}" is not inside the project`,
          'give a path relative to the project root, e.g. "node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf"',
        ),
      ];
    if (!existsSync(file) || !statSync(file).isFile())
      return [
        issue(
          'missing-bundled-file',
          [...at, String(index)],
          `"${path}" does not exist (looked in ${rootDir})`,
          'fix the path (relative to the project root), or install the package that provides it',
        ),
      ];
    return [];
  });
}

export const lambdaKind: StepKindSpec<typeof lambdaStepSchema> = {
  schema: lambdaStepSchema,
  defaults: { timeoutSeconds: 300, estimatedSeconds: () => 1, memoryMiB: DEFAULT_LAMBDA_MEMORY_MIB, runsOn: 'lambda' },
  diagramShape: ['(', ')'],
  check(step, { rootDir, graph, timeoutSeconds }) {
    const found: Issue[] = [];
    const { handler, files } = step.raw;
    // The timeout the step runs with is resolved as everywhere (a default of 1200 s passed here and failed the deploy).
    const own = typeof step.raw.timeoutSeconds === 'number' ? step.raw.timeoutSeconds : undefined;
    if (typeof handler === 'string') found.push(...checkHandler(handler, ['steps', step.id, 'handler'], rootDir));
    if (Array.isArray(files)) found.push(...checkFiles(files, ['steps', step.id, 'files'], rootDir));
    found.push(...checkStepAccess(step, graph));
    if (timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
      found.push(
        issue(
          'invalid-timeout',
          own === undefined ? ['defaults', 'timeoutSeconds'] : ['steps', step.id, 'timeoutSeconds'],
          own === undefined
            ? `${timeoutSeconds} s, which Lambda step "${step.id}" inherits, is over Lambda's ${LAMBDA_MAX_TIMEOUT_SECONDS} s limit`
            : `${timeoutSeconds} s is over Lambda's ${LAMBDA_MAX_TIMEOUT_SECONDS} s limit`,
          own === undefined ? `give steps.${step.id} a timeoutSeconds of at most ${LAMBDA_MAX_TIMEOUT_SECONDS}, or lower the default` : 'lower it, or make this a "container" step',
        ),
      );
    }
    return found;
  },
};
