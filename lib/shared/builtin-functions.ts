/**
 * Orchestra's own Lambda functions, which every stack deploys and the local runtime calls. A lab never
 * builds them: the package ships them prebuilt (dist/functions/<name>/, made by `npm run build`);
 * a checkout of this repository has their TypeScript sources (functions/<name>/index.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ORCHESTRA_ROOT } from './package-root';

export const BUILTIN_FUNCTIONS = ['simulate-step', 'service-call', 'ingest-trigger', 'keyed-conductor', 'runs-api', 'step-reuse', 'run-provenance'] as const;
export type BuiltinFunctionName = (typeof BUILTIN_FUNCTIONS)[number];

/** Where the package build puts a built-in function's bundle. */
export const PREBUILT_FUNCTIONS_DIR = join('dist', 'functions');

export type BuiltinFunctionCode =
  /** In the package: a folder Lambda can load as it is (index.js, its map). */
  | { readonly prebuiltDir: string; readonly source?: never }
  /** In a checkout: the handler module, bundled when needed. */
  | { readonly source: string; readonly prebuiltDir?: never };

/** The handler module in a checkout of Orchestra (absent from the package). */
export const builtinFunctionSource = (name: BuiltinFunctionName, root: string = ORCHESTRA_ROOT): string => join(root, 'functions', name, 'index.ts');

export function builtinFunctionCode(name: BuiltinFunctionName, root: string = ORCHESTRA_ROOT): BuiltinFunctionCode {
  const source = builtinFunctionSource(name, root);
  if (existsSync(source)) return { source };
  return { prebuiltDir: join(root, PREBUILT_FUNCTIONS_DIR, name) };
}

/** The module the local runtime loads: the sources in a checkout, the prebuilt bundle in the package. */
export function builtinFunctionModule(name: BuiltinFunctionName, root: string = ORCHESTRA_ROOT): string {
  const code = builtinFunctionCode(name, root);
  return code.source ?? join(code.prebuiltDir, 'index.js');
}
