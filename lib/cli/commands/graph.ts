import { validateGraphFile } from '../../graph/validate';
import { CliError, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../exit-codes';
import { toMermaid } from '../mermaid';
import { type Output, reportIssues } from '../output';

export function graphCommand(file: string, options: { format: string }, output: Output): number {
  if (options.format !== 'mermaid') throw new CliError(`unknown format "${options.format}" — use --format mermaid`, EXIT_USAGE);
  const result = validateGraphFile(file);
  reportIssues(output, result.issues, file);
  if (result.graph === undefined) return EXIT_INVALID;
  output.out(toMermaid(result.graph));
  return EXIT_OK;
}
