/**
 * Compiles every state-machines/<name>.graph.json next to it as <name>.asl.json (the committed, deployed
 * bytes), <name>.steps.d.ts (the step events' types, for handlers written with stepHandlerFor) and
 * <name>.layout.json (where the console draws each step: lib/catalogue/graph-layout.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { aslFileFor, graphFilesIn } from '../../catalogue';
import { layoutFileFor, layoutFileText } from '../../catalogue/graph-layout';
import { stepTypesFileFor, stepTypesText } from '../../catalogue/step-types';
import { compileGraph } from '../../compiler/compile';
import { hasErrors } from '../../contract/issues';
import { projectRootOf, validateGraphFile } from '../../graph/validate';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { type Output, reportIssues } from '../output';

export async function build(dir: string, options: { check?: boolean }, output: Output): Promise<number> {
  let failed = false;
  const seen = new Map<string, string>();
  for (const file of graphFilesIn(dir)) {
    const result = validateGraphFile(file);
    reportIssues(output, result.issues, file);
    if (result.graph === undefined) {
      failed = true;
      continue;
    }
    const other = seen.get(result.graph.name);
    if (other !== undefined) {
      output.err(`${file}: error: name: pipeline "${result.graph.name}" is already defined in ${other} — pipeline names must be unique; rename one`);
      failed = true;
      continue;
    }
    seen.set(result.graph.name, file);
    const compiled = compileGraph(result.graph);
    reportIssues(output, compiled.issues, file);
    if (hasErrors(compiled.issues)) {
      failed = true;
      continue;
    }
    const written = [
      { target: aslFileFor(file), text: compiled.text },
      { target: stepTypesFileFor(file), text: stepTypesText(result.graph, file, projectRootOf(file)) },
      { target: layoutFileFor(file), text: await layoutFileText(result.graph) },
    ];
    for (const { target, text } of written) {
      const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
      if (current === text) continue;
      if (options.check === true) {
        output.err(`${target}: stale — run \`npx orchestra build\` and commit the result`);
        failed = true;
      } else {
        writeFileSync(target, text);
        output.err(`${target}: written`);
      }
    }
  }
  return failed ? EXIT_INVALID : EXIT_OK;
}
