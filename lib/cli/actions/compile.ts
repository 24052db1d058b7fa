import { writeFileSync } from 'node:fs';
import { walkStates } from '../../compiler/asl';
import { compileGraph } from '../../compiler/compile';
import { hasErrors, type Issue, issue } from '../../contract/issues';
import { validateGraphFile } from '../../graph/validate';
import { localCompatibilityProblems } from '../../local/engine/engine';
import type { compileCommand } from '../commands/graphs';
import type { OptionsOf } from '../commands/shared';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { type Output, reportIssues } from '../output';

export type CompileCommandOptions = OptionsOf<typeof compileCommand>;

export function compile(file: string, options: CompileCommandOptions, output: Output): number {
  const result = validateGraphFile(file);
  reportIssues(output, result.issues, file);
  if (result.graph === undefined) return EXIT_INVALID;
  const compiled = compileGraph(result.graph);
  // Local runs have no definition-size or history quotas (the payload quota they enforce, as AWS does);
  // what they must have is an engine that runs every construct the compiler emitted.
  const limitIssues =
    options.target === 'local' ? [...compiled.issues.map((i) => ({ ...i, severity: 'warning' as const })), ...refusedLocally(compiled.definition)] : compiled.issues;
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

/** What the local engine would refuse to run in a compiled machine (each Task gets a handler locally). */
export function refusedLocally(definition: Parameters<typeof localCompatibilityProblems>[0]): Issue[] {
  const tasks = new Set([...walkStates(definition)].filter(({ state }) => state.Type === 'Task').map(({ name }) => name));
  return localCompatibilityProblems(definition, tasks).map((problem) =>
    issue(
      'unsupported-locally',
      'steps',
      `the compiled machine uses what the local runtime refuses: ${problem}`,
      'deploy it to AWS instead; and report it, since the compiler should emit only what runs locally',
    ),
  );
}
