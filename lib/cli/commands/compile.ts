import { writeFileSync } from 'node:fs';
import { compileGraph } from '../../compiler/compile';
import { hasErrors } from '../../graph/issues';
import { validateGraphFile } from '../../graph/validate';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { type Output, reportIssues } from '../output';

export interface CompileCommandOptions {
  output?: string;
  target?: 'aws' | 'local';
}

export function compileCommand(file: string, options: CompileCommandOptions, output: Output): number {
  const result = validateGraphFile(file);
  reportIssues(output, result.issues, file);
  if (result.graph === undefined) return EXIT_INVALID;
  const compiled = compileGraph(result.graph);
  // Local runs have no AWS quotas; deployable output must respect them.
  const limitIssues = options.target === 'local' ? compiled.issues.map((i) => ({ ...i, severity: 'warning' as const })) : compiled.issues;
  reportIssues(output, limitIssues, file);
  if (hasErrors(limitIssues)) return EXIT_INVALID;
  if (options.output === undefined) {
    output.out(compiled.text);
  } else {
    writeFileSync(options.output, compiled.text);
    const s = compiled.stats;
    output.err(
      `${options.output}: ${s.steps} steps, ${s.states} states (${s.parallelStates} Parallel), ${s.definitionBytes} bytes, ~${s.historyEventsPerRun} history events per run`,
    );
  }
  return EXIT_OK;
}
