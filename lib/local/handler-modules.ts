/**
 * Loads Lambda handlers for the embedded runtime the way the stack ships them: a TypeScript (or
 * JavaScript) handler is bundled by esbuild with the deployed options (lib/bundling) and the bundle is
 * loaded, so a local run calls the code `cdk deploy` would upload. The bundle is named by its content
 * hash: after a handler or anything it imports from the project is saved, the next attempt bundles
 * again and loads the new code — a run or redrive started after the fix uses the fix.
 *
 * A handler that cannot be loaded (a syntax error, a missing module, a throw at import) fails its
 * step as Orchestra.Permanent: another attempt would load the same code.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { BUNDLE_FILE, bundleLambda, type LambdaBundle, materialise, writeLambdaBundle } from '../bundling/lambda-bundle';
import { PermanentStepError } from '../contract/errors';
import { PREBUILT_FUNCTIONS_DIR } from '../shared/builtin-functions';
import { messageOf } from '../shared/errors';
import { ORCHESTRA_ROOT } from '../shared/package-root';
import type { LambdaHandler } from './task-runners/lambda';

interface LoadedHandler {
  readonly handler: LambdaHandler;
  /** The bundle file loaded (undefined for a prebuilt function, never reloaded). */
  readonly file: string | undefined;
  readonly hash: string;
  /** The project files in the bundle with their modification times when it was made. */
  readonly sources: ReadonlyArray<{ readonly path: string; readonly mtimeMs: number }>;
}

/** What a reload reports: the handler file and its new bundle's hash (12 hex digits). */
export interface HandlerReload {
  readonly entry: string;
  readonly hash: string;
}

const mtimeOf = (path: string): number => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const changed = (loaded: LoadedHandler): boolean => loaded.sources.some(({ path, mtimeMs }) => mtimeOf(path) !== mtimeMs);

/**
 * Where bundles are written: beside the project's dependencies, so the AWS SDK the bundle leaves out
 * (as on Lambda, where the runtime has it) resolves from the project's node_modules.
 */
function cacheDirFor(projectRoot: string): string {
  const own = join(projectRoot, 'node_modules');
  const modules = existsSync(own) ? own : join(ORCHESTRA_ROOT, 'node_modules');
  return join(modules, '.cache', 'orchestra', 'handlers');
}

/** The module cache of CommonJS modules (bundles are CommonJS, as Lambda loads them): one per process. */
const moduleCache = createRequire(import.meta.url).cache;

function handlerOf(file: string, entry: string): LambdaHandler {
  let module: unknown;
  try {
    // A require of its own: a shared one would list every bundle it ever loaded as its child, forever.
    module = createRequire(file)(file);
  } catch (error) {
    // No `cause`: the engine reports an error's cause as the step's Cause, and the message says it all.
    throw new PermanentStepError(`${entry} failed to load: ${messageOf(error)}`);
  }
  const handler = typeof module === 'object' && module !== null && 'handler' in module ? module.handler : undefined;
  if (typeof handler !== 'function')
    throw new PermanentStepError(`${entry} does not export a "handler" function — export one: export const handler = stepHandler(async (event, tools) => …)`);
  return (event, context) => Promise.resolve(handler(event, context));
}

/** The handler modules one runtime calls; a runtime owns one, so nothing here is process-wide. */
export class HandlerModules {
  private readonly loaded = new Map<string, LoadedHandler>();
  private readonly loading = new Map<string, Promise<LoadedHandler>>();

  /** @param onReload told when a handler loaded before is loaded again from changed code. */
  constructor(private readonly onReload: (reload: HandlerReload) => void = () => undefined) {
    // Bundles are minified, as deployed; their maps make a handler's stack trace name its own lines.
    process.setSourceMapsEnabled(true);
  }

  /** The handler of `entry` (absolute path) in the project at `projectRoot`, bundled again if its code changed. */
  async load(entry: string, projectRoot: string): Promise<LambdaHandler> {
    const current = this.loaded.get(entry);
    if (current !== undefined && !changed(current)) return current.handler;
    let pending = this.loading.get(entry);
    if (pending === undefined) {
      pending = this.fresh(entry, projectRoot).finally(() => this.loading.delete(entry));
      this.loading.set(entry, pending);
    }
    const next = await pending;
    const before = this.loaded.get(entry);
    this.loaded.set(entry, next);
    if (before !== undefined && before.hash !== next.hash) {
      // The old bundle is no longer called: out of the module cache, it can be collected, so a hundred
      // saves do not keep a hundred copies. (Bundles are CommonJS for Lambda, so this is possible.)
      if (before.file !== undefined) delete moduleCache[before.file];
      this.onReload({ entry, hash: next.hash.slice(0, 12) });
    }
    return next.handler;
  }

  private async fresh(entry: string, projectRoot: string): Promise<LoadedHandler> {
    // Orchestra's prebuilt functions (in the package) are already the deployed bundle.
    if (entry.startsWith(join(ORCHESTRA_ROOT, PREBUILT_FUNCTIONS_DIR))) return { handler: handlerOf(entry, entry), file: undefined, hash: 'prebuilt', sources: [] };
    let bundle: LambdaBundle;
    try {
      bundle = await bundleLambda(entry);
    } catch (error) {
      throw new PermanentStepError(`${relative(projectRoot, entry) || entry} does not bundle: ${messageOf(error)}`);
    }
    const sources = bundle.sources.map((path) => ({ path, mtimeMs: mtimeOf(path) }));
    const dir = materialise(join(cacheDirFor(projectRoot), bundle.hash.slice(0, 16)), (partial) => writeLambdaBundle(bundle, partial));
    const file = join(dir, BUNDLE_FILE);
    return { handler: handlerOf(file, relative(projectRoot, entry) || entry), file, hash: bundle.hash, sources };
  }
}
