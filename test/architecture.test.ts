/**
 * Imports flow one way: shared ← contract ← kinds ← graph ← compiler ← catalogue ← access ← {cdk, local} ← cli, with
 * lib/runtime (shared by handlers, containers, local and cloud) beside them. What every layer shares
 * about a step kind (its schema, checks, defaults: lib/kinds) sits below all of them; each layer keeps
 * its own part of each kind in its own kinds/ folder. Each folder's allowed imports are listed below,
 * the tiers say which layers are below which, and every source file of the project is checked, static
 * `import`/`export … from`, dynamic `import()` and `require()` alike, so no seam is crossed quietly
 * and no import runs back up.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|js|mjs)$/.test(path) ? [path] : [];
  });
}

/** Every module a file names: `from '…'`, `import '…'`, `import('…')`, `require('…')`. */
function importsOf(text: string): string[] {
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /^\s*import\s+['"]([^'"]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] ?? ''));
}

/** Where an import lands: a project folder such as `lib/graph` or `functions`, or a package name. */
function targetOf(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
  return layerOf(relative(ROOT, join(dirname(file), spec)));
}

/** A project path's layer: `lib/<folder>`, or its top folder. */
function layerOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'lib') return `lib/${parts[1]}`;
  return parts[0] ?? path;
}

const PURE = ['lib/shared', 'lib/contract'];
const GRAPH = [...PURE, 'lib/kinds', 'lib/graph'];
const COMPILE = [...GRAPH, 'lib/compiler'];
const SDK = ['@aws-sdk', '@smithy'];
const CDK_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

/** Layer → what it may import from the project, and which packages it must not use. */
const RULES: Record<string, { readonly may: readonly string[]; readonly notPackages: readonly string[] }> = {
  'lib/shared': { may: ['lib/shared'], notPackages: [...SDK, ...CDK_PACKAGES] },
  'lib/contract': { may: PURE, notPackages: [...SDK, ...CDK_PACKAGES] },
  // What every layer shares about a step kind: its schema, checks and defaults. Below the graph.
  'lib/kinds': { may: [...PURE, 'lib/kinds'], notPackages: [...SDK, ...CDK_PACKAGES, 'aws-local-stepfunctions'] },
  'lib/graph': { may: GRAPH, notPackages: [...SDK, ...CDK_PACKAGES] },
  'lib/compiler': { may: COMPILE, notPackages: [...SDK, ...CDK_PACKAGES, 'aws-local-stepfunctions', 'node:fs'] },
  'lib/catalogue': { may: [...COMPILE, 'lib/cost', 'lib/catalogue'], notPackages: [...SDK, ...CDK_PACKAGES] },
  // Other systems' graphs → pipeline graphs: pure, like the graph layer.
  'lib/importers': { may: [...GRAPH, 'lib/importers'], notPackages: [...SDK, ...CDK_PACKAGES] },
  // What a run costs on AWS, from its compiled definition and a price table: pure.
  'lib/cost': { may: [...COMPILE, 'lib/cost'], notPackages: [...SDK, ...CDK_PACKAGES, 'aws-local-stepfunctions'] },
  // Pipeline graphs → other systems' DAGs: text out, no SDK (the CLI reads the stack's outputs).
  'lib/exporters': { may: [...COMPILE, 'lib/exporters'], notPackages: [...SDK, ...CDK_PACKAGES] },
  // Readers and writers of scientific file formats (DassFlow-2D): pure, for the functions, containers and triggers that share them.
  'lib/formats': { may: [...PURE, 'lib/formats'], notPackages: [...SDK, ...CDK_PACKAGES, 'aws-local-stepfunctions', 'zod'] },
  'lib/runtime': { may: [...PURE, 'lib/formats', 'lib/runtime'], notPackages: [...CDK_PACKAGES, 'aws-local-stepfunctions'] },
  // esbuild, as the stack bundles Lambda handlers: for the stack, the package build and the local runtime alike.
  'lib/bundling': { may: [...PURE, 'lib/bundling'], notPackages: [...SDK, ...CDK_PACKAGES, 'aws-local-stepfunctions'] },
  // Who may do what in the data bucket: the statements the stack grants and the local runtime enforces, and their evaluation. Pure.
  'lib/access': { may: [...COMPILE, 'lib/catalogue', 'lib/runtime', 'lib/access'], notPackages: [...SDK, ...CDK_PACKAGES, 'aws-local-stepfunctions'] },
  // The cloud handlers behind uploads and the runs API run locally too, unchanged.
  'lib/local': { may: [...COMPILE, 'lib/catalogue', 'lib/runtime', 'lib/bundling', 'lib/access', 'lib/local', 'functions'], notPackages: CDK_PACKAGES },
  'lib/cdk': { may: [...COMPILE, 'lib/catalogue', 'lib/runtime', 'lib/bundling', 'lib/access', 'lib/cdk'], notPackages: [...SDK, 'aws-local-stepfunctions'] },
  'lib/deployed': { may: [...GRAPH, 'lib/catalogue', 'lib/runtime', 'lib/deployed'], notPackages: [...CDK_PACKAGES, 'aws-local-stepfunctions'] },
  // The typed runs-API client, from the route table: for the console (in a browser), the CLI and labs' scripts.
  'lib/client': { may: [...PURE, 'lib/client'], notPackages: [...CDK_PACKAGES, 'aws-local-stepfunctions', '@aws-sdk/client-sfn', '@aws-sdk/client-s3'] },
  // The CLI never loads aws-cdk-lib: `cdk synth` runs bin/app.ts.
  'lib/cli': {
    may: [
      ...COMPILE,
      'lib/catalogue',
      'lib/importers',
      'lib/exporters',
      'lib/cost',
      'lib/runtime',
      'lib/access',
      'lib/local',
      'lib/testing',
      'lib/deployed',
      'lib/client',
      'lib/cli',
    ],
    notPackages: CDK_PACKAGES,
  },
  // Bundled alone for Lambda and Fargate: the run contract, shared helpers and lib/runtime only.
  functions: { may: [...PURE, 'lib/formats', 'lib/runtime', 'functions'], notPackages: [...CDK_PACKAGES, 'aws-local-stepfunctions', 'zod'] },
  containers: { may: [...PURE, 'lib/formats', 'lib/runtime', 'functions', 'containers'], notPackages: [...CDK_PACKAGES, 'aws-local-stepfunctions', 'zod'] },
  // Run a pipeline or a step from a test runner: the embedded runtime, started and stopped per call.
  'lib/testing': { may: [...COMPILE, 'lib/catalogue', 'lib/runtime', 'lib/access', 'lib/local', 'lib/testing'], notPackages: CDK_PACKAGES },
  // The package's four entry points: each re-exports its layer's public names, nothing more.
  'lib/public': { may: [...PURE, 'lib/catalogue', 'lib/cdk', 'lib/local', 'lib/testing', 'lib/client', 'functions'], notPackages: [] },
  // Thin entries: the CLI, and the CDK app over the pipeline catalogue.
  // The launcher runs the package's compiled CLI (dist/) when there are no sources beside it.
  bin: { may: ['lib/cli', 'lib/cdk', 'lib/catalogue', 'bin', 'dist'], notPackages: [...SDK, 'aws-local-stepfunctions'] },
};

/** The layers from the bottom up: a layer may import only its own and those of lower tiers, so imports never run back up. */
const TIERS: ReadonlyArray<readonly string[]> = [
  ['lib/shared'],
  ['lib/contract'],
  ['lib/kinds', 'lib/formats', 'lib/bundling', 'lib/client'],
  ['lib/graph', 'lib/runtime'],
  ['lib/compiler', 'lib/importers', 'functions'],
  ['lib/cost'],
  ['lib/catalogue', 'lib/exporters', 'containers'],
  ['lib/access', 'lib/deployed'],
  ['lib/cdk', 'lib/local'],
  ['lib/testing'],
  ['lib/cli', 'lib/public'],
  ['bin'],
];
const tierOf = (layer: string): number => TIERS.findIndex((tier) => tier.includes(layer));

const checked = ['lib', 'functions', 'containers', 'bin'].flatMap((dir) => sourceFiles(join(ROOT, dir)));

describe('architecture', () => {
  it('finds static, side-effect, dynamic and require imports', () => {
    const text = "import a from './a';\nimport './b';\nexport { c } from './c';\nconst d = await import('./d');\nconst e = require('./e');";

    expect(importsOf(text).sort()).toEqual(['./a', './b', './c', './d', './e']);
  });

  it('gives every source file under lib/, functions/, containers/ and bin/ a layer with rules', () => {
    const unruled = checked.map((file) => relative(ROOT, file)).filter((path) => RULES[layerOf(path)] === undefined);

    expect(unruled).toEqual([]);
  });

  it('places every layer in a tier, and lets each import only its own and lower tiers: no import runs back up', () => {
    const upward = Object.entries(RULES).flatMap(([layer, rule]) =>
      rule.may.filter((target) => target !== layer && TIERS.some((tier) => tier.includes(target)) && tierOf(target) >= tierOf(layer)).map((target) => `${layer} → ${target}`),
    );

    expect(Object.keys(RULES).filter((layer) => tierOf(layer) < 0)).toEqual([]);
    expect(upward).toEqual([]);
  });

  it('keeps what the layers share about a step kind below them all: lib/kinds holds schemas and checks, each layer its own kinds/ part', () => {
    const kindFiles = checked.map((file) => relative(ROOT, file)).filter((path) => path.startsWith('lib/kinds/'));
    const perLayer = ['lib/compiler/kinds', 'lib/local/kinds', 'lib/cdk/kinds'].map((dir) => sourceFiles(join(ROOT, dir)).map((file) => relative(ROOT, file)));

    expect(kindFiles.every((path) => /\/(schema|spec|specs|step-fields)\.ts$/.test(path))).toBe(true);
    for (const files of perLayer)
      expect(files.map((path) => path.replace(/^.*\//, '')).sort()).toEqual(
        expect.arrayContaining(['container.ts', 'lambda.ts', 'pipeline.ts', 'registry.ts', 'service.ts', 'simulate.ts']),
      );
  });

  it.each(Object.keys(RULES))('%s imports only what its layer allows', (layer) => {
    const rule = RULES[layer];
    const offenders = checked
      .filter((file) => layerOf(relative(ROOT, file)) === layer)
      .flatMap((file) =>
        importsOf(readFileSync(file, 'utf8')).flatMap((spec) => {
          const target = targetOf(file, spec);
          const internal = spec.startsWith('.');
          const allowed = internal ? (rule?.may.includes(target) ?? false) : !(rule?.notPackages.some((banned) => target === banned || spec === banned) ?? true);
          return allowed ? [] : [`${relative(ROOT, file)} imports ${spec}`];
        }),
      );

    expect(offenders).toEqual([]);
  });
});

describe('test tiers', () => {
  it('keeps the unit tier free of processes and servers: a test file that spawns, serves or runs the CLI is named *.e2e.test.ts', () => {
    const unit = sourceFiles(join(ROOT, 'test')).filter((file) => file.endsWith('.test.ts') && !file.endsWith('.e2e.test.ts') && !file.includes('/test/cdk/'));
    const starts = /from '\.\.\/helpers\/(cli|local-runtime|browser|dynalite)'|\bspawn(Sync)?\(|\bexecFile(Sync)?\(|\bfork\(|startEmbeddedS3\(|serveRunsApi\(|serveConsole\(/;
    expect(unit.filter((file) => starts.test(readFileSync(file, 'utf8'))).map((file) => relative(ROOT, file))).toEqual([]);
    expect(unit.length).toBeGreaterThan(50);
  });
});
