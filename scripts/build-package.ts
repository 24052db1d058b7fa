/**
 * `npm run build` (and `npm pack`, through `prepack`): what the package ships, in dist/.
 *
 * - The CLI and the four entry points (`orchestra`, `orchestra/cdk`, `orchestra/testing`, `orchestra/client`) as ES
 *   modules, code-split so the CLI loads a command's code only when it runs. Packages in
 *   `dependencies` and `peerDependencies` stay imports; everything else is bundled in — among them
 *   aws-local-stepfunctions, s3rver and asl-validator *as patched here* (patches/), so the fixes travel
 *   with the package and nothing patches a lab's node_modules.
 * - Orchestra's built-in Lambda functions, bundled as the stack deploys them (lib/bundling).
 * - One declaration file per entry point, rolled up by API Extractor, which also writes the API
 *   reports in api/ (`npm run api:check` fails when the public surface changed and the report did not).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { type BuildOptions, build } from 'esbuild';
import { bundleLambda, writeLambdaBundle } from '../lib/bundling/lambda-bundle';
import { BUILTIN_FUNCTIONS, builtinFunctionSource, PREBUILT_FUNCTIONS_DIR } from '../lib/shared/builtin-functions';
import { isJsonRecord } from '../lib/shared/json';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const TYPES = join(ROOT, 'build', 'types');
const checkApi = process.argv.includes('--check-api');

/** Public entry point → its source (as tsconfig.json's "paths" name them). */
export const ENTRY_POINTS = { index: 'lib/public/index.ts', cdk: 'lib/public/cdk.ts', testing: 'lib/public/testing.ts', client: 'lib/public/client.ts' } as const;

function namesIn(manifest: Record<string, unknown>, field: string): string[] {
  const section = manifest[field];
  return isJsonRecord(section) ? Object.keys(section) : [];
}

async function buildModules(external: readonly string[]): Promise<void> {
  const started = Date.now();
  const common: BuildOptions = {
    outdir: DIST,
    bundle: true,
    format: 'esm',
    platform: 'node',
    // `init` and `--help` run on the system Node a newcomer has (20); the rest refuses it at start.
    target: 'node20',
    sourcemap: true,
    external: [...external, ...external.map((name) => `${name}/*`), ...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
    logLevel: 'warning',
  };
  // What handlers import is bundled again into each Lambda (CommonJS, by the lab's CDK): plain ES
  // module code with every dependency external, and no require() shim, which has no import.meta there.
  await build({ ...common, entryPoints: { index: join(ROOT, ENTRY_POINTS.index) } });
  const { index: _handlerEntry, ...toolEntries } = ENTRY_POINTS;
  await build({
    ...common,
    entryPoints: { cli: join(ROOT, 'bin', 'orchestra.ts'), ...Object.fromEntries(Object.entries(toolEntries).map(([name, path]) => [name, join(ROOT, path)])) },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS dependencies (s3rver's koa, winston…) call require(): give these ES modules one.
    banner: { js: "import { createRequire as __orchestraCreateRequire } from 'node:module'; const require = __orchestraCreateRequire(import.meta.url);" },
  });
  console.log(`dist/: CLI and entry points in ${Date.now() - started} ms`);
}

async function buildFunctions(): Promise<void> {
  for (const name of BUILTIN_FUNCTIONS) {
    const bundle = await bundleLambda(builtinFunctionSource(name));
    writeLambdaBundle(bundle, join(ROOT, PREBUILT_FUNCTIONS_DIR, name));
    console.log(`dist/functions/${name}: ${(bundle.code.length / 1024).toFixed(0)} KB`);
  }
}

function buildDeclarations(): void {
  rmSync(TYPES, { recursive: true, force: true });
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  let failed = false;
  for (const [name, path] of Object.entries(ENTRY_POINTS)) {
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: ROOT,
        mainEntryPointFilePath: join(TYPES, path.replace(/\.ts$/, '.d.ts')),
        compiler: { tsconfigFilePath: join(ROOT, 'tsconfig.build.json') },
        apiReport: { enabled: true, reportFolder: join(ROOT, 'api'), reportTempFolder: join(ROOT, 'build', 'api'), reportFileName: `${name}.api.md` },
        docModel: { enabled: false },
        dtsRollup: { enabled: true, untrimmedFilePath: join(DIST, `${name}.d.ts`) },
        tsdocMetadata: { enabled: false },
        messages: {
          extractorMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
          compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
          tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        },
      },
      configObjectFullPath: join(ROOT, 'api-extractor.json'),
      packageJsonFullPath: join(ROOT, 'package.json'),
    });
    const result = Extractor.invoke(config, { localBuild: !checkApi, showVerboseMessages: false });
    if (!result.succeeded) {
      failed = true;
      console.error(
        `api/${name}.api.md: the public API of ${name === 'index' ? 'orchestra' : `orchestra/${name}`} changed — run \`npm run build\` and commit api/${name}.api.md (and a CHANGELOG entry)`,
      );
    }
  }
  if (failed) process.exit(1);
}

const manifest: unknown = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
if (!isJsonRecord(manifest)) throw new Error('package.json is not an object');
rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
await buildModules([...namesIn(manifest, 'dependencies'), ...namesIn(manifest, 'peerDependencies')]);
await buildFunctions();
buildDeclarations();
if (!existsSync(join(ROOT, 'console', 'dist', 'index.html'))) console.warn('console/dist/ is missing: run `npm run build:console` before packing');
writeFileSync(join(DIST, 'README.md'), 'Built by `npm run build` (scripts/build-package.ts); not edited by hand.\n');
