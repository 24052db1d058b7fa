/** `orchestra import products <file> --out <dir>`: a mission's product graph → a folder of keyed pipelines, compiled, ready for `orchestra up --pipelines <dir>`. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { aslFileFor } from '../../catalogue';
import { compileGraph } from '../../compiler/compile';
import { hasErrors } from '../../contract/issues';
import { validateGraphText } from '../../graph/validate';
import { importProducts } from '../../importers/products';
import { childPipelinesOf } from '../../kinds/pipeline/spec';
import type { importProductsCommand } from '../commands/conversions';
import type { OptionsOf } from '../commands/shared';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import { locatedIn, readJsonInput } from '../json-input';
import { type Output, reportIssues } from '../output';

export type ImportProductsCommandOptions = OptionsOf<typeof importProductsCommand>;

export function importProductGraph(file: string, options: ImportProductsCommandOptions, output: Output): number {
  const parsed = readJsonInput(file, 'product graph', output);
  if (parsed === undefined) return EXIT_INVALID;
  const imported = importProducts(parsed.value, {
    ...(options.simulate === undefined ? {} : { simulate: options.simulate }),
    ...(options.dataPrefix === undefined ? {} : { dataPrefix: options.dataPrefix }),
  });
  // Each problem with the line of the product graph it is about.
  reportIssues(output, locatedIn(parsed, imported.issues), file);
  if (hasErrors(imported.issues)) return EXIT_INVALID;
  mkdirSync(options.out, { recursive: true });
  for (const graph of imported.graphs) {
    const graphFile = join(options.out, `${graph.name}.graph.json`);
    const graphText = `${JSON.stringify(graph, null, 2)}\n`;
    // The importer's output goes through the same validation as a hand-written graph.
    const checked = validateGraphText(graphText);
    if (checked.graph === undefined) {
      reportIssues(output, checked.issues, graphFile);
      return EXIT_INVALID;
    }
    if (existsSync(graphFile) && readFileSync(graphFile, 'utf8') !== graphText) output.err(`${graphFile}: replaced`);
    writeFileSync(graphFile, graphText);
    writeFileSync(aslFileFor(graphFile), compileGraph(checked.graph).text);
  }
  const shown = relative(process.cwd(), options.out) || '.';
  output.err(`${imported.graphs.length} product pipelines in ${shown}/ (graph and compiled ASL each): serve them with \`orchestra up --pipelines ${shown}\``);
  // Products made by Orchestra pipelines need those pipelines beside them; say which, before `up` refuses.
  const named = new Set(imported.graphs.map((graph) => graph.name));
  const providers = [...new Set(imported.graphs.flatMap((graph) => childPipelinesOf(graph).map(([, child]) => child)))].filter((child) => !named.has(child));
  const missing = providers.filter((child) => !existsSync(join(options.out, `${child}.graph.json`)));
  if (missing.length > 0) output.err(`provider pipelines to add to ${shown}/ (each as <name>.graph.json, taking {product, obs_id, inputs}): ${missing.join(', ')}`);
  return EXIT_OK;
}
