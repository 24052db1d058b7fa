import { validateGraphFile } from '../../graph/validate';
import { UsageError } from '../../shared/errors';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { toMermaid } from '../mermaid';
import { type Output, reportIssues } from '../output';

export function graph(file: string, options: { format: string }, output: Output): number {
  if (options.format !== 'mermaid') throw new UsageError(`unknown format "${options.format}" — use --format mermaid`);
  const result = validateGraphFile(file);
  reportIssues(output, result.issues, file);
  if (result.graph === undefined) return EXIT_INVALID;
  output.out(toMermaid(result.graph));
  return EXIT_OK;
}
