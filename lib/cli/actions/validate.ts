import { hasErrors } from '../../contract/issues';
import { validateGraphFile } from '../../graph/validate';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { type Output, reportIssues } from '../output';

export function validate(file: string, options: { json?: boolean }, output: Output): number {
  const result = validateGraphFile(file);
  const ok = !hasErrors(result.issues);
  if (options.json === true) {
    output.out(JSON.stringify({ file, valid: ok, issues: result.issues }, null, 2));
  } else {
    reportIssues(output, result.issues, file);
    if (ok) output.out(`${file}: valid (${Object.keys(result.graph?.steps ?? {}).length} steps)`);
    else output.err(`${file}: ${result.issues.filter((i) => i.severity === 'error').length} error(s)`);
  }
  return ok ? EXIT_OK : EXIT_INVALID;
}
