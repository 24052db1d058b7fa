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
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { BUNDLE_FILE, bundleLambda, type LambdaBundle, materialise, writeLambdaBundle } from '../../bundling/lambda-bundle';
import { PermanentStepError } from '../../contract/errors';
import { PREBUILT_FUNCTIONS_DIR } from '../../shared/builtin-functions';
import { messageOf } from '../../shared/errors';
import { ORCHESTRA_ROOT } from '../../shared/package-root';
import type { LambdaHandler } from '../task-runners/lambda';

/** A handler's bundle as last made: the file to load, and what it was made from. */
interface LoadedBundle {
  /** The bundle file (for a prebuilt function, the package's own). */
  readonly file: string;
  /** How errors name it: the project-relative handler path. */
  readonly label: string;
  readonly hash: string;
  /** The project files in the bundle with their modification times when it was made. */
  readonly sources: ReadonlyArray<{ readonly path: string; readonly mtimeMs: number }>;
}

/** One function's copy of a bundle's module. */
interface ModuleInstance {
  readonly hash: string;
  readonly handler: LambdaHandler;
}

/** What a reload reports: the handler file and its new bundle's hash (12 hex digits). */
export interface HandlerReload {
  readonly entry: string;
  readonly hash: string;
}

const mtimeOf = (path: string): number => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const changed = (loaded: LoadedBundle): boolean => loaded.sources.some(({ path, mtimeMs }) => mtimeOf(path) !== mtimeMs);

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

/**
 * A fresh copy of the bundle's module: each function gets its own (Lambda gives each its own process),
 * so it is taken out of the module cache at once — which also lets a replaced one be collected.
 */
function handlerOf(file: string, entry: string): LambdaHandler {
  let module: unknown;
  try {
    // A require of its own: a shared one would list every bundle it ever loaded as its child, forever.
    module = createRequire(file)(file);
    delete moduleCache[file];
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
  private readonly bundles = new Map<string, LoadedBundle>();
  private readonly bundling = new Map<string, Promise<LoadedBundle>>();
  /** By `<entry>\n<instance>`. */
  private readonly instances = new Map<string, ModuleInstance>();

  /** @param onReload told when a handler loaded before is loaded again from changed code. */
  constructor(private readonly onReload: (reload: HandlerReload) => void = () => undefined) {
    // Bundles are minified, as deployed; their maps make a handler's stack trace name its own lines.
    process.setSourceMapsEnabled(true);
  }

  /**
   * The handler of `entry` (absolute path) in the project at `projectRoot`, bundled again if its code
   * changed, as the function `instance` runs it: each instance has its own copy of the module.
   */
  async load(entry: string, projectRoot: string, instance: string = entry): Promise<LambdaHandler> {
    const bundle = await this.bundleOf(entry, projectRoot);
    const key = `${entry}\n${instance}`;
    const current = this.instances.get(key);
    if (current !== undefined && current.hash === bundle.hash) return current.handler;
    const handler = handlerOf(bundle.file, bundle.label);
    this.instances.set(key, { hash: bundle.hash, handler });
    return handler;
  }

  /** The SHA-256 of `entry`'s bundle as the stack would deploy it (bundled again if its code changed): its code identity for reuse. */
  async codeHashOf(entry: string, projectRoot: string): Promise<string> {
    return (await this.bundleOf(entry, projectRoot)).hash;
  }

  private async bundleOf(entry: string, projectRoot: string): Promise<LoadedBundle> {
    const current = this.bundles.get(entry);
    if (current !== undefined && !changed(current)) return current;
    let pending = this.bundling.get(entry);
    if (pending === undefined) {
      pending = this.fresh(entry, projectRoot).finally(() => this.bundling.delete(entry));
      this.bundling.set(entry, pending);
    }
    const next = await pending;
    const before = this.bundles.get(entry);
    this.bundles.set(entry, next);
    if (before !== undefined && before.hash !== next.hash) this.onReload({ entry, hash: next.hash.slice(0, 12) });
    return next;
  }

  private async fresh(entry: string, projectRoot: string): Promise<LoadedBundle> {
    // Orchestra's prebuilt functions (in the package) are already the deployed bundle.
    if (entry.startsWith(join(ORCHESTRA_ROOT, PREBUILT_FUNCTIONS_DIR)))
      return { file: entry, label: entry, hash: createHash('sha256').update(readFileSync(entry)).digest('hex'), sources: [] };
    let bundle: LambdaBundle;
    try {
      bundle = await bundleLambda(entry);
    } catch (error) {
      throw new PermanentStepError(`${relative(projectRoot, entry) || entry} does not bundle: ${messageOf(error)}`);
    }
    const sources = bundle.sources.map((path) => ({ path, mtimeMs: mtimeOf(path) }));
    const dir = materialise(join(cacheDirFor(projectRoot), bundle.hash.slice(0, 16)), (partial) => writeLambdaBundle(bundle, partial));
    return { file: join(dir, BUNDLE_FILE), label: relative(projectRoot, entry) || entry, hash: bundle.hash, sources };
  }
}
