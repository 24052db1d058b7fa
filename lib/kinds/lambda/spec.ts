/** A light step: one AWS Lambda function per step, called in-process by the local runtime. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { type Issue, issue } from '../../graph/issues';
import { isInside } from '../../shared/paths';
import type { StepKindSpec } from '../spec';
import { LAMBDA_MAX_TIMEOUT_SECONDS, lambdaStepSchema } from './schema';

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

export const lambdaKind: StepKindSpec<typeof lambdaStepSchema> = {
  schema: lambdaStepSchema,
  diagramShape: ['(', ')'],
  check(step, rootDir) {
    const found: Issue[] = [];
    const { handler, timeoutSeconds } = step.raw;
    if (typeof handler === 'string') found.push(...checkHandler(handler, ['steps', step.id, 'handler'], rootDir));
    if (typeof timeoutSeconds === 'number' && timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
      found.push(
        issue(
          'invalid-timeout',
          ['steps', step.id, 'timeoutSeconds'],
          `${timeoutSeconds} s is over Lambda's ${LAMBDA_MAX_TIMEOUT_SECONDS} s limit`,
          'lower it, or make this a "container" step',
        ),
      );
    }
    return found;
  },
};
