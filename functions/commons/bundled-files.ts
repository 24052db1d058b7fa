/**
 * Where a data file the step's graph lists under `files` is at run time: CDK copies it into the
 * bundle (LAMBDA_TASK_ROOT in Lambda). The local runtime sets LAMBDA_TASK_ROOT to the project root
 * and ORCHESTRA_STEP_FILES to the step's list, so a file the graph forgot to list fails here as it
 * would in Lambda — with the fix — instead of working locally only.
 */
import { join } from 'node:path';
import { FUNCTION_ENV } from '../../lib/contract/environment';
import { parseStoredJson } from '../../lib/shared/json';

/** The path of a data file the step's graph lists under `files` (project-relative), where it is at run time. */
export function bundledFile(projectPath: string): string {
  const declared = process.env[FUNCTION_ENV.stepFiles];
  if (declared !== undefined) {
    const files = parseStoredJson(declared);
    if (!Array.isArray(files) || !files.includes(projectPath))
      throw new Error(`this step reads "${projectPath}", which its graph does not list: add it to the step's "files" so it is copied into the Lambda bundle`);
  }
  return join(process.env['LAMBDA_TASK_ROOT'] ?? process.cwd(), projectPath);
}
