/**
 * Imports flow one way: shared ← contract ← graph ← compiler ← catalogue ← access ← {cdk, local} ← cli, with
 * lib/runtime (shared by handlers, containers, local and cloud) beside them. Each folder's allowed
 * imports are listed below; every source file of the project is checked, static `import`/`export …
 * from`, dynamic `import()` and `require()` alike, so no seam is crossed quietly.
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

/** A project path's layer: `lib/<folder>`, a kind module's layer (`kinds:graph`…), or its top folder. */
function layerOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'lib' && parts[1] === 'kinds') {
    const name = (parts.at(-1) ?? '').replace(/\.ts$/, '');
    if (['schema', 'spec', 'specs'].includes(name)) return 'kinds:graph';
    if (['compile', 'task'].includes(name)) return 'kinds:compile';
    if (name === 'local') return 'kinds:local';
    if (name === 'cdk') return 'kinds:cdk';
    return 'kinds:?';
  }
  if (parts[0] === 'lib') return `lib/${parts[1]}`;
  return parts[0] ?? path;
}

const PURE = ['lib/shared', 'lib/contract'];
const GRAPH = [...PURE, 'lib/graph', 'kinds:graph'];
const COMPILE = [...GRAPH, 'lib/compiler', 'kinds:compile'];
const SDK = ['@aws-sdk', '@smithy'];
const CDK_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

/** Layer → what it may import from the project, and which packages it must not use. */
const RULES: Record<string, { readonly may: readonly string[]; readonly notPackages: readonly string[] }> = {
  'lib/shared': { may: ['lib/shared'], notPackages: [...SDK, ...CDK_PACKAGES] },
  'lib/contract': { may: PURE, notPackages: [...SDK, ...CDK_PACKAGES] },
  'lib/graph': { may: GRAPH, notPackages: [...SDK, ...CDK_PACKAGES] },
  'kinds:graph': { may: GRAPH, notPackages: [...SDK, ...CDK_PACKAGES] },
  'lib/compiler': { may: COMPILE, notPackages: [...SDK, ...CDK_PACKAGES, 'aws-local-stepfunctions', 'node:fs'] },
  'kinds:compile': { may: COMPILE, notPackages: [...SDK, ...CDK_PACKAGES, 'aws-local-stepfunctions', 'node:fs'] },
  'lib/catalogue': { may: [...COMPILE, 'lib/catalogue'], notPackages: [...SDK, ...CDK_PACKAGES] },
  // Other systems' graphs → pipeline graphs: pure, like the graph layer.
  'lib/importers': { may: [...GRAPH, 'lib/importers'], notPackages: [...SDK, ...CDK_PACKAGES] },
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
  'lib/local': { may: [...COMPILE, 'lib/catalogue', 'lib/runtime', 'lib/bundling', 'lib/access', 'lib/local', 'kinds:local', 'functions'], notPackages: CDK_PACKAGES },
  'kinds:local': { may: [...COMPILE, 'lib/local', 'kinds:local'], notPackages: CDK_PACKAGES },
  'lib/cdk': { may: [...COMPILE, 'lib/catalogue', 'lib/runtime', 'lib/bundling', 'lib/access', 'lib/cdk', 'kinds:cdk'], notPackages: [...SDK, 'aws-local-stepfunctions'] },
  'kinds:cdk': { may: [...COMPILE, 'lib/cdk', 'kinds:cdk'], notPackages: [...SDK, 'aws-local-stepfunctions'] },
  'lib/deployed': { may: [...GRAPH, 'lib/catalogue', 'lib/runtime', 'lib/deployed'], notPackages: [...CDK_PACKAGES, 'aws-local-stepfunctions'] },
  // The typed runs-API client, from the route table: for the console (in a browser), the CLI and labs' scripts.
  'lib/client': { may: [...PURE, 'lib/client'], notPackages: [...CDK_PACKAGES, 'aws-local-stepfunctions', '@aws-sdk/client-sfn', '@aws-sdk/client-s3'] },
  // The CLI never loads aws-cdk-lib: `cdk synth` runs bin/app.ts.
  'lib/cli': {
    may: [...COMPILE, 'lib/catalogue', 'lib/importers', 'lib/exporters', 'lib/runtime', 'lib/access', 'lib/local', 'lib/testing', 'lib/deployed', 'lib/client', 'lib/cli'],
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
