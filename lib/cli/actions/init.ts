/**
 * `orchestra init <dir>`: a lab's own project, with Orchestra as a dependency it upgrades — an example
 * pipeline (a Lambda step and a container step), its test, the CDK app, and a README with the commands.
 * Runs on the system Node a newcomer has (`npx --package orchestra orchestra init lab`), before the
 * project brings its own Node 24.
 */
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';
import { ORCHESTRA_ROOT, orchestraVersion, PACKAGE_NAME } from '../../shared/package-root';
import type { initCommand } from '../commands/init';
import type { OptionsOf } from '../commands/shared';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes';
import type { Output } from '../output';
import { build } from './build';

export const TEMPLATE_DIR = join(ORCHESTRA_ROOT, 'templates', 'lab');

/** Dev tools the project pins, at the versions this Orchestra is built and tested with. */
const PINNED_DEV_TOOLS = ['aws-cdk', 'aws-cdk-lib', 'constructs', 'node', 'typescript', '@types/node'] as const;

export type InitOptions = OptionsOf<typeof initCommand>;

/**
 * The dependency spec for Orchestra: what `npx --package <spec>` was given (npm passes it as
 * npm_config_package), so a project made from a tarball depends on that tarball.
 */
export function orchestraSpecOf(given: string | undefined, version: string, cwd: string): string {
  if (given === undefined || given === '' || given === PACKAGE_NAME) return `^${version}`;
  const path = given.startsWith('file:') ? given.slice('file:'.length) : given;
  if (path.startsWith('.') || isAbsolute(path) || path.endsWith('.tgz')) return `file:${resolve(cwd, path)}`;
  if (given.startsWith(`${PACKAGE_NAME}@`)) return given.slice(PACKAGE_NAME.length + 1);
  return given;
}

/** An npm package name from a folder name: lower case, letters, digits, "-", "." and "_". */
export const packageNameOf = (dir: string): string =>
  basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '') || 'pipelines';

/** A CloudFormation stack name from the package name: letters, digits and "-", starting with a letter. */
const stackNameOf = (name: string): string => {
  const words = name.split(/[^a-zA-Z0-9]+/).filter((word) => word !== '');
  const joined = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  return /^[A-Za-z]/.test(joined) ? joined.slice(0, 120) : `Pipelines${joined}`.slice(0, 120);
};

function orchestraManifest(): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(join(ORCHESTRA_ROOT, 'package.json'), 'utf8'));
  return isJsonRecord(parsed) ? parsed : {};
}

function projectManifest(name: string, orchestraSpec: string): string {
  const own = orchestraManifest();
  const versions = { ...(isJsonRecord(own['devDependencies']) ? own['devDependencies'] : {}), ...(isJsonRecord(own['dependencies']) ? own['dependencies'] : {}) };
  const devDependencies = Object.fromEntries(PINNED_DEV_TOOLS.flatMap((tool) => (typeof versions[tool] === 'string' ? [[tool, versions[tool]]] : [])));
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    description: 'Pipelines run by Orchestra',
    // Inside npm scripts and npx, the `node` devDependency (Node 24) comes first on PATH.
    engines: { node: '>=22' },
    scripts: {
      test: 'tsc --noEmit && node --test "test/**/*.test.ts"',
      build: 'orchestra build',
      start: 'orchestra up',
      synth: 'cdk synth',
      deploy: 'cdk deploy --require-approval broadening',
    },
    dependencies: { [PACKAGE_NAME]: orchestraSpec },
    devDependencies,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Replaces {{name}} placeholders in the copied text files. */
function fillIn(dir: string, values: Readonly<Record<string, string>>): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      fillIn(path, values);
      continue;
    }
    const text = readFileSync(path, 'utf8');
    const filled = text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
    if (filled !== text) writeFileSync(path, filled);
  }
}

export async function init(dir: string, options: InitOptions, output: Output): Promise<number> {
  const target = resolve(dir);
  if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    throw new UsageError(`${dir} ${statSync(target).isDirectory() ? 'is not empty' : 'is a file'} — name a new folder, e.g. \`orchestra init my-pipelines\``);
  }
  const spec = orchestraSpecOf(options.orchestra ?? process.env['npm_config_package'], orchestraVersion(), process.cwd());
  const name = packageNameOf(target);
  cpSync(TEMPLATE_DIR, target, { recursive: true });
  // npm never packs a file named .gitignore: the template ships it (and .dockerignore, beside it) without the dot.
  renameSync(join(target, 'gitignore'), join(target, '.gitignore'));
  renameSync(join(target, 'dockerignore'), join(target, '.dockerignore'));
  fillIn(target, { name, stackName: stackNameOf(name) });
  writeFileSync(join(target, 'package.json'), projectManifest(name, spec));
  // The compiled definitions are committed beside the graphs, as the stack deploys them.
  const built = await build(join(target, 'state-machines'), {}, { out: () => undefined, err: () => undefined });
  if (built !== EXIT_OK) {
    output.err(`error: the example pipeline in ${relative(process.cwd(), target)}/state-machines did not compile — please report it`);
    return EXIT_INVALID;
  }
  const shown = relative(process.cwd(), target) || '.';
  output.err(
    [
      `Created ${shown}/ (orchestra ${spec}): an example pipeline "hello", its handler, its container, a test and the CDK app.`,
      '',
      'Next:',
      `  cd ${shown}`,
      '  npm install',
      '  npx orchestra run hello --input examples/sample',
      '  npm test',
      '  npx cdk synth',
      '',
      'Your own pipeline: README.md, then node_modules/orchestra/docs/own-pipeline.md',
    ].join('\n'),
  );
  return EXIT_OK;
}
