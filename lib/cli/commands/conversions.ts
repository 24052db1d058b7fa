/** `orchestra import products | diastema` and `orchestra export airflow | ro-crate`: graphs from and to other systems, runs as RO-Crates. */
import { Command } from '@commander-js/extra-typings';
import { adopt, type Cli, sourceOptions } from './shared';

export const importProductsCommand = () =>
  new Command('products')
    .description("a mission's product graph → one keyed pipeline per product (graph + compiled ASL), for `orchestra up --pipelines <dir>`")
    .argument('<file>', 'product graph (JSON): {"inputs": [...], "products": {"<name>": {"m_input", "o_input", "provider", "url"}}}')
    .requiredOption('-o, --out <dir>', 'folder to write the pipelines to')
    .option('--simulate', 'give every product the built-in simulated provider (1–5 s, fails with probability 0.2, retried)')
    .option('--data-prefix <prefix>', 'where data items live: <prefix><type>/<key>/…', 'data/');

export const importDiastemaCommand = () =>
  new Command('diastema')
    .description('a DIASTEMA analysis graph → one pipeline graph; each kind of job runs as `simulate`, or the Lambda handler --handlers names for it')
    .argument('<file>', 'analysis graph (JSON): {"analysis-id", "database-id", "metadata", "jobs": [{"step", "id", "title", "from", "next", …}]}')
    .option('-o, --out <graph.json>', 'write the pipeline graph here (default: print it)')
    .option('--handlers <kinds.json>', 'a handler file per kind: {"cleaning": "functions/cleaning/index.ts", …}')
    .option('--name <pipeline>', 'the pipeline name (default: analysis-<analysis-id>)');

export const exportAirflowCommand = () =>
  new Command('airflow')
    .description('an Airflow 3 DAG equivalent to the pipeline: Lambda and ECS operators on the deployed functions and tasks, dependencies, retries, timeouts, schedule')
    .argument('<pipeline>', 'a pipeline name in state-machines/ or any graph file')
    .option('-o, --out <dag.py>', 'write the DAG here (default: print it)')
    .option('--stack <name>', "read function names, task definitions and the cluster from this deployed stack's outputs (default: placeholders)")
    .option('--region <region>', "the stack's region (default: AWS_REGION)");

export const exportCrateCommand = () =>
  sourceOptions(
    new Command('ro-crate')
      .description(
        "a run's provenance as a Workflow Run RO-Crate (written beside its outputs when it ended; for an older run, written now: from the data folder, or by the stack's function with --stack)",
      )
      .argument('<run-id>', 'as printed by `orchestra run` or `orchestra runs`')
      .option('-o, --out <ro-crate-metadata.json>', 'write it here (default: print it)')
      .option('--pipeline <name>', "the run's pipeline (needed with --api / --stack)")
      .option('--graph <file>', "the run's pipeline graph, for a local run without a crate, when it is not state-machines/<pipeline>.graph.json"),
  );

export function registerConversions(program: Command, cli: Cli): void {
  const imports = new Command('import').description('turn graphs from other systems into Orchestra pipelines');
  adopt(program, imports);
  adopt(
    imports,
    importProductsCommand().action(async (file, options) => cli.exit((await import('../actions/import')).importProductGraph(file, options, cli.output))),
  );
  adopt(
    imports,
    importDiastemaCommand().action(async (file, options) => cli.exit((await import('../actions/import-diastema')).importDiastemaGraph(file, options, cli.output))),
  );
  const exports = new Command('export').description('write a pipeline, or a run, for another system');
  adopt(program, exports);
  adopt(
    exports,
    exportAirflowCommand().action(async (pipeline, options) => cli.exit(await (await import('../actions/export')).exportAirflowDag(pipeline, options, cli.output))),
  );
  adopt(
    exports,
    exportCrateCommand().action(async (runId, options) => cli.exit(await (await import('../actions/export-crate')).exportRunCrate(runId, options, cli.output))),
  );
}
