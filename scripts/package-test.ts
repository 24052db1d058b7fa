/**
 * `npm run test:package` (its own step of .ci/run): Orchestra as a lab gets it. From this checkout:
 * `npm pack` → `orchestra init` into a temporary folder against that tarball, on the system Node a
 * newcomer has → `npm install` (no install scripts of Orchestra's run) → `npx orchestra run` of the
 * example → the project's own `npm test` → `npx cdk synth` (the lab's state machines only, Orchestra's
 * functions from the package) → `orchestra invoke` of one step → a second pipeline added to the project
 * runs. Each phase prints its time; any failure stops with the command's output.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'orchestra-package-'));
const lab = join(work, 'lab');
const keep = process.argv.includes('--keep');

/** PATH without this checkout's node_modules/.bin: what a newcomer's shell has. */
const systemPath = (process.env['PATH'] ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes('node_modules'))
  .join(delimiter);

function run(what: string, command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; expect?: RegExp }): string {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || (options.expect !== undefined && !options.expect.test(text))) {
    console.error(text);
    throw new Error(
      `${what}: \`${command} ${args.join(' ')}\` ${result.status === 0 ? `did not print ${options.expect}` : `exited ${result.status ?? result.signal}`} (in ${options.cwd})`,
    );
  }
  console.log(`✔ ${what} (${seconds} s)`);
  return text;
}

/** `orchestra up` in the project starts its servers and the console, and stops on SIGINT. */
async function serves(cwd: string): Promise<void> {
  const started = Date.now();
  // A process group of its own: npx does not pass SIGINT on to the command it runs, so the group gets it.
  const child = spawn('npx', ['orchestra', 'up', '--port', '0', '--sfn-port', '0', '--api-port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    const read = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('Ctrl-C stops the server')) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const api = /Runs API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
  // A lab's own script, as docs/runs-api.md shows it: the typed client from orchestra/client against the running API.
  writeFileSync(
    join(cwd, 'list-pipelines.mjs'),
    "import { createRunsClient } from 'orchestra/client';\nconst runs = createRunsClient({ baseUrl: process.argv[2] });\nconst { body } = await runs.listPipelines();\nconsole.log(body.pipelines.map((p) => p.name).join(','));\n",
  );
  const listed = api === undefined ? undefined : spawnSync('node', ['list-pipelines.mjs', api], { cwd, encoding: 'utf8' });
  if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
  check(
    listed?.stdout.trim() === 'hello',
    `a lab's script lists the pipelines through orchestra/client (${listed?.stdout.trim() ?? 'no runs API printed'}${listed?.stderr ?? ''})`,
  );
  await exited;
  if (!ready || !/Console\s+http:\/\/127\.0\.0\.1:\d+\//.test(text) || /flood|npm run/.test(text)) {
    console.error(text);
    throw new Error('npx orchestra up did not start with its console, or printed what does not fit the project');
  }
  console.log(`✔ npx orchestra up serves the project, with its console (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
  console.log(`✔ ${message}`);
}

try {
  run('npm pack', 'npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT });
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  const manifest: unknown = JSON.parse(execFileSync('tar', ['-xzOf', join(work, tarball), 'package/package.json'], { encoding: 'utf8' }));
  const scripts =
    typeof manifest === 'object' && manifest !== null && 'scripts' in manifest && typeof manifest.scripts === 'object' && manifest.scripts !== null
      ? Object.keys(manifest.scripts)
      : [];
  check(!scripts.some((name) => ['preinstall', 'install', 'postinstall'].includes(name)), 'the package has no install scripts');

  const systemNode = spawnSync('node', ['--version'], { env: { ...process.env, PATH: systemPath }, encoding: 'utf8' }).stdout.trim();
  run(`orchestra init on the system Node (${systemNode})`, 'npx', ['-y', '--package', join(work, tarball), 'orchestra', 'init', 'lab'], {
    cwd: work,
    env: { ...process.env, PATH: systemPath },
    expect: /Created lab\//,
  });
  const labManifest = readFileSync(join(lab, 'package.json'), 'utf8');
  check(labManifest.includes(`"orchestra": "file:${join(work, tarball)}"`), 'the project depends on Orchestra by the tarball it was made from');

  run('npm install in the project', 'npm', ['install', '--no-audit', '--no-fund'], { cwd: lab, env: { ...process.env, PATH: systemPath } });
  check(
    !existsSync(join(lab, 'node_modules', 'orchestra', 'lib')) && existsSync(join(lab, 'node_modules', 'orchestra', 'dist', 'cli.js')),
    'the installed package is compiled JavaScript, no sources',
  );
  check(
    !existsSync(join(lab, 'node_modules', 's3rver')) && !existsSync(join(lab, 'node_modules', 'aws-local-stepfunctions')),
    'the patched engine and S3 travel inside the package (not installed unpatched beside it)',
  );

  const installed = join(lab, 'node_modules', 'orchestra');
  const declared = new Set(['dependencies', 'peerDependencies'].flatMap((field) => Object.keys(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))[field] ?? {})));
  const imported = new Set<string>();
  for (const dir of [join(installed, 'dist'), join(installed, 'dist', 'chunks')]) {
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.js'))) {
      // esbuild writes imports as statements at the start of a line, and dynamic ones as import("…").
      for (const match of readFileSync(join(dir, name), 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^"./][^"]*)";|\bimport\("([^"./][^"]*)"\)/gm)) {
        const spec = match[1] ?? match[2] ?? '';
        if (!spec.startsWith('node:') && !builtinModules.includes(spec)) imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
      }
    }
  }
  const undeclared = [...imported].filter((name) => !declared.has(name));
  check(
    undeclared.length === 0,
    `every package dist/ imports is a dependency or a peer (${imported.size} packages)${undeclared.length === 0 ? '' : `: not ${undeclared.join(', ')}`}`,
  );

  run('npx orchestra --help', 'npx', ['orchestra', '--help'], { cwd: lab, expect: /orchestra \[options\] \[command\]/ });
  run('npx orchestra run hello --input examples/sample', 'npx', ['orchestra', 'run', 'hello', '--input', 'examples/sample'], { cwd: lab, expect: /SUCCEEDED/ });
  await serves(lab);
  run("the project's npm test", 'npm', ['test'], { cwd: lab, expect: /pass 3/ });

  // The guide's own examples, as a reader would paste them: its handler as a new step, its tests.
  const guide = readFileSync(join(ROOT, 'docs', 'own-pipeline.md'), 'utf8');
  const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  const handlerBlock = blocks.find((block) => block.startsWith('// functions/measure/index.ts'));
  const testBlock = blocks.find((block) => block.includes("invokeStep('hello', 'measure'"));
  if (handlerBlock === undefined || testBlock === undefined)
    throw new Error('docs/own-pipeline.md: the measure handler or its test example is gone — update scripts/package-test.ts with it');
  mkdirSync(join(lab, 'functions', 'measure'), { recursive: true });
  writeFileSync(join(lab, 'functions', 'measure', 'index.ts'), handlerBlock);
  writeFileSync(join(lab, 'test', 'measure.test.ts'), testBlock);
  const hello = JSON.parse(readFileSync(join(lab, 'state-machines', 'hello.graph.json'), 'utf8'));
  hello.steps.measure = { kind: 'lambda', handler: 'functions/measure/index.ts', dependsOn: ['list-inputs'] };
  writeFileSync(join(lab, 'state-machines', 'hello.graph.json'), JSON.stringify(hello, null, 2));
  run("npx orchestra build (the guide's step added)", 'npx', ['orchestra', 'build'], { cwd: lab, expect: /hello\.steps\.d\.ts: written/ });
  run("the guide's handler and tests type-check and pass", 'npm', ['test'], { cwd: lab, expect: /pass 5/ });

  run('npx cdk synth', 'npx', ['cdk', 'synth', '--quiet'], { cwd: lab });
  const templates = readdirSync(join(lab, 'cdk.out')).filter((name) => name.endsWith('.template.json'));
  const template = templates.map((name) => readFileSync(join(lab, 'cdk.out', name), 'utf8')).join('\n');
  const machines = template.match(/"AWS::StepFunctions::StateMachine"/g) ?? [];
  check(
    machines.length === 1 && template.includes('"StateMachineName"') && !template.includes('flood'),
    "the stack deploys the lab's one pipeline and nothing of Orchestra's examples",
  );
  const assets = readFileSync(join(lab, 'cdk.out', templates[0]?.replace('.template.json', '.assets.json') ?? ''), 'utf8');
  check(assets.includes('"packaging": "zip"'), 'the functions are bundled as assets');

  writeFileSync(join(lab, 'event.json'), JSON.stringify({ input: { source: 'cli', keys: [] } }));
  const invoked = spawnSync('npx', ['orchestra', 'invoke', 'hello', 'list-inputs', '--event', 'event.json'], { cwd: lab, encoding: 'utf8' });
  check(invoked.status === 1 && /Orchestra\.Permanent: no input files/.test(invoked.stderr), 'orchestra invoke runs one step alone and reports its error');

  // A second pipeline, as a lab adds one: a graph, a handler importing only from orchestra, a build.
  mkdirSync(join(lab, 'functions', 'shout'), { recursive: true });
  writeFileSync(
    join(lab, 'functions', 'shout', 'index.ts'),
    [
      "import { stepHandlerFor } from 'orchestra';",
      '',
      "export const handler = stepHandlerFor('second', 'shout', async (event) => ({",
      "  shouted: String(event.parameters?.['text'] ?? '').toUpperCase(),",
      "  waited: event.dependencies['wait'].ok,",
      '}));',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(lab, 'state-machines', 'second.graph.json'),
    JSON.stringify({
      name: 'second',
      steps: {
        wait: { kind: 'simulate', durationMs: 10 },
        shout: { kind: 'lambda', handler: 'functions/shout/index.ts', dependsOn: ['wait'], parameters: { text: 'hello' } },
      },
    }),
  );
  run('npx orchestra build (the second pipeline compiled)', 'npx', ['orchestra', 'build'], { cwd: lab, expect: /second\.asl\.json: written/ });
  run('npx orchestra run second', 'npx', ['orchestra', 'run', 'second'], { cwd: lab, expect: /SUCCEEDED/ });
  run('the second pipeline type-checks against its generated step types', 'npx', ['tsc', '--noEmit'], { cwd: lab });
  writeFileSync(
    join(lab, 'functions', 'shout', 'typo.ts'),
    "import { stepHandlerFor } from 'orchestra';\nexport const handler = stepHandlerFor('second', 'shout', async (event) => event.dependencies['wiat']);\n",
  );
  const typo = spawnSync('npx', ['tsc', '--noEmit'], { cwd: lab, encoding: 'utf8' });
  check(typo.status !== 0 && typo.stdout.includes('functions/shout/typo.ts') && typo.stdout.includes("'wiat'"), 'a misspelt dependency fails tsc, naming it');
  console.log(`package test passed in ${work}`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
