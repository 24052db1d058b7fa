/**
 * Builds a step function's bundle the way NodejsFunction does at synth (LAMBDA_BUNDLE, spelled for CDK as
 * STEP_BUNDLING), in memory, to measure it: `npm run bench` reports the sizes and the tests hold
 * them under budget. Also says which npm packages made it into the bundle, so an accidental
 * whole-SDK import shows up by name.
 */
import { build } from 'esbuild';
import { lambdaBuildOptions } from '../bundling/lambda-bundle';
import { InvariantError } from '../shared/errors';

/** Budget per light step (minified, without the source map). */
export const BUNDLE_BUDGET_BYTES = 500 * 1024;

export interface BundleReport {
  readonly bytes: number;
  /** npm packages in the bundle with the bytes each contributes, largest first. */
  readonly packages: ReadonlyArray<{ name: string; bytes: number }>;
}

const packageOf = (path: string): string | undefined => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.split('\\').join('/'));
  return match?.[1];
};

export async function measureBundle(entry: string): Promise<BundleReport> {
  // The deployed options without the source map, which Lambda loads only on an error.
  const result = await build({ ...lambdaBuildOptions(entry), sourcemap: false });
  const output = Object.values(result.metafile.outputs)[0];
  if (output === undefined) throw new InvariantError(`esbuild produced no output for ${entry}`);
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    if (name !== undefined) byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  return { bytes: output.bytes, packages: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes) };
}
