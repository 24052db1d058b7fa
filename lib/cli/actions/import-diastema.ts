/** `orchestra import diastema <file> [--out graph.json] [--handlers kinds.json]`: a DIASTEMA analysis graph → one pipeline graph, validated, runnable at once. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { hasErrors, type Issue, issue } from '../../contract/issues';
import { fixForUnknownName } from '../../graph/suggest';
import { projectRootOf, validateGraphText } from '../../graph/validate';
import { DIASTEMA_KINDS, type DiastemaKind, type ImportDiastemaOptions, importDiastema } from '../../importers/diastema';
import { isJsonRecord } from '../../shared/json';
import type { importDiastemaCommand } from '../commands/conversions';
import type { OptionsOf } from '../commands/shared';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { locatedIn, readJsonInput } from '../json-input';
import { type Output, reportIssues } from '../output';

export type ImportDiastemaCommandOptions = OptionsOf<typeof importDiastemaCommand>;

/** `{"<kind>": "functions/<kind>/index.ts", …}`: every key a kind, every value a path. */
function handlersOf(value: unknown): { handlers: Partial<Record<DiastemaKind, string>>; issues: Issue[] } {
  const handlers: Partial<Record<DiastemaKind, string>> = {};
  const issues: Issue[] = [];
  if (!isJsonRecord(value)) return { handlers, issues: [issue('schema', [], 'expected an object of handler files by kind', 'e.g. {"cleaning": "functions/cleaning/index.ts"}')] };
  for (const [kind, path] of Object.entries(value)) {
    const known = DIASTEMA_KINDS.find((candidate) => candidate === kind);
    if (known === undefined) issues.push(issue('unknown-kind', [kind], `unknown kind "${kind}"`, fixForUnknownName(kind, DIASTEMA_KINDS)));
    else if (typeof path !== 'string' || path === '') issues.push(issue('schema', [kind], 'expected the path of a handler file', 'e.g. "functions/cleaning/index.ts"'));
    else handlers[known] = path;
  }
  return { handlers, issues };
}

export function importDiastemaGraph(file: string, options: ImportDiastemaCommandOptions, output: Output): number {
  const parsed = readJsonInput(file, 'analysis graph', output);
  if (parsed === undefined) return EXIT_INVALID;
  const importOptions: { -readonly [K in keyof ImportDiastemaOptions]: ImportDiastemaOptions[K] } = {};
  if (options.name !== undefined) importOptions.name = options.name;
  if (options.handlers !== undefined) {
    const handlersFile = readJsonInput(options.handlers, 'handlers file', output);
    if (handlersFile === undefined) return EXIT_INVALID;
    const { handlers, issues } = handlersOf(handlersFile.value);
    reportIssues(output, locatedIn(handlersFile, issues), options.handlers);
    if (hasErrors(issues)) return EXIT_INVALID;
    importOptions.handlers = handlers;
  }
  const imported = importDiastema(parsed.value, importOptions);
  reportIssues(output, locatedIn(parsed, imported.issues), file);
  if (imported.graph === undefined) return EXIT_INVALID;
  const text = `${JSON.stringify(imported.graph, null, 2)}\n`;
  // The importer's output goes through the same validation as a hand-written graph (handler files included).
  const checked = validateGraphText(text, { rootDir: projectRootOf(resolve(options.out ?? join(process.cwd(), 'graph.json'))) });
  if (checked.graph === undefined) {
    reportIssues(output, checked.issues, options.out ?? '<imported graph>');
    return EXIT_INVALID;
  }
  if (options.out === undefined) {
    output.out(text.trimEnd());
    return EXIT_OK;
  }
  if (existsSync(options.out) && readFileSync(options.out, 'utf8') !== text) output.err(`${options.out}: replaced`);
  writeFileSync(options.out, text);
  const shown = relative(process.cwd(), options.out) || options.out;
  const simulated = Object.values(imported.graph.steps).filter((step) => step.kind === 'simulate').length;
  output.err(
    `${shown}: pipeline ${imported.graph.name}, ${Object.keys(imported.graph.steps).length} steps${simulated > 0 ? ` (${simulated} simulated: name handlers per kind with --handlers)` : ''} — run it with \`orchestra run ${shown}\``,
  );
  return EXIT_OK;
}
