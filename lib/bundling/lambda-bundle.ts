/**
 * One way to bundle a Lambda handler, used wherever Orchestra makes one: CDK's NodejsFunction for a
 * lab's steps (STEP_BUNDLING, lib/cdk/step-function.ts, spells these options for CDK), the package
 * build for Orchestra's built-in functions, and the local runtime, which loads a lab's TypeScript
 * handlers from this bundle — so the code a local run calls is the code `cdk deploy` ships, and its
 * content hash tells when it changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type BuildOptions, type BuildResult, build, buildSync } from 'esbuild';
import { InvariantError } from '../shared/errors';

/** esbuild options of every Lambda bundle. The AWS SDK v3 is in the Lambda runtime: bundling it again only adds megabytes. */
export const LAMBDA_BUNDLE = { minify: true, sourcemap: true, target: 'node24', format: 'cjs', external: ['@aws-sdk/*'] } as const;

/** The file Lambda's `index.handler` loads. */
export const BUNDLE_FILE = 'index.js';

export interface LambdaBundle {
  /** The bundle's JavaScript (CommonJS), ending with its source-map comment. */
  readonly code: string;
  readonly sourceMap: string;
  /** SHA-256 of `code`, hex: the same source and dependencies give the same hash. */
  readonly hash: string;
  /** The project's own files in the bundle (absolute paths, no node_modules): what to watch for changes. */
  readonly sources: readonly string[];
}

/** The esbuild options of `entry`'s bundle, in memory with its metafile (for measuring it too). */
export const lambdaBuildOptions = (entry: string): BuildOptions & { write: false; metafile: true } => ({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  write: false,
  metafile: true,
  logLevel: 'silent',
  // The output's place only decides the source map's relative paths; nothing is written there.
  outfile: join(resolve(entry, '..'), BUNDLE_FILE),
  minify: LAMBDA_BUNDLE.minify,
  sourcemap: LAMBDA_BUNDLE.sourcemap,
  target: LAMBDA_BUNDLE.target,
  format: LAMBDA_BUNDLE.format,
  external: [...LAMBDA_BUNDLE.external],
});

function bundleOf(result: BuildResult<{ write: false; metafile: true }>, entry: string): LambdaBundle {
  const code = result.outputFiles.find((file) => file.path.endsWith(BUNDLE_FILE))?.text;
  const sourceMap = result.outputFiles.find((file) => file.path.endsWith('.map'))?.text;
  if (code === undefined || sourceMap === undefined) throw new InvariantError(`esbuild produced no bundle for ${entry}`);
  const cwd = process.cwd();
  const sources = Object.keys(result.metafile.inputs)
    .filter((path) => !path.includes('node_modules/') && !path.startsWith('<'))
    .map((path) => (isAbsolute(path) ? path : resolve(cwd, path)));
  return { code, sourceMap, hash: createHash('sha256').update(code).digest('hex'), sources };
}

/** Bundles `entry` (TypeScript or JavaScript exporting `handler`). esbuild's own errors name the file, line and column. */
export async function bundleLambda(entry: string): Promise<LambdaBundle> {
  return bundleOf(await build(lambdaBuildOptions(entry)), entry);
}

/** The same, synchronously: CDK synthesizes without awaiting. */
export function bundleLambdaSync(entry: string): LambdaBundle {
  return bundleOf(buildSync(lambdaBuildOptions(entry)), entry);
}

/**
 * Writes a bundle as Lambda loads it: index.js, its map, and a package.json saying CommonJS — so the
 * folder also loads as CommonJS inside a package of ES modules (Orchestra's own, a lab's).
 */
export function writeLambdaBundle(bundle: LambdaBundle, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, BUNDLE_FILE), bundle.code);
  writeFileSync(join(dir, `${BUNDLE_FILE}.map`), bundle.sourceMap);
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
}

/**
 * Makes the content-named folder `dir` unless it is there already: filled beside it, then renamed into
 * place, so two processes making the same folder (two synths, two runtimes) never see half of it.
 */
export function materialise(dir: string, fill: (partial: string) => void): string {
  if (existsSync(dir)) return dir;
  const partial = `${dir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  fill(partial);
  try {
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  return dir;
}
