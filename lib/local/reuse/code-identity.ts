/**
 * A reused step's code identity on the local runtime, taken when its reuse check runs (a handler may
 * change between runs of `orchestra up`): a Lambda step's bundle as the stack deploys it and its
 * bundled `files`; a container step's local command with the programs and files it names (a
 * TypeScript or JavaScript program by its bundle, so what it imports counts) and the values of the
 * variables it inherits (a variable naming a file by that file's content: the model executable).
 * On AWS the stack fills the same placeholder with the function's or the image's asset hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import stringify from 'safe-stable-stringify';
import { lambdaCodeIdentity } from '../../bundling/code-identity';
import type { Environment } from '../../contract/environment';
import type { Step } from '../../graph/schema';
import { builtinFunctionModule } from '../../shared/builtin-functions';
import type { HandlerModules } from '../engine/handler-modules';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const PROGRAM = /\.(c|m)?(t|j)sx?$/;

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

/** What a command argument or variable value stands for: a program's bundle, a file's content, or the text itself. */
async function contentOf(value: string, rootDir: string, handlers: HandlerModules): Promise<string> {
  const path = isAbsolute(value) ? value : join(rootDir, value);
  if (!isFile(path)) return value;
  if (PROGRAM.test(path)) {
    try {
      return `bundle ${await handlers.codeHashOf(path, rootDir)}`;
    } catch {
      // A container's program need not bundle as a Lambda does (an ES module with top-level await):
      // then it is taken by its own content, what it imports uncounted.
    }
  }
  return `file ${fileHashOf(path)}`;
}

/** Files' hashes by path, kept while their size and modification time stay: a model executable is hashed once, not at every run's end. */
const fileHashes = new Map<string, { readonly mtimeMs: number; readonly size: number; readonly hash: string }>();

function fileHashOf(path: string): string {
  const { mtimeMs, size } = statSync(path);
  const known = fileHashes.get(path);
  if (known !== undefined && known.mtimeMs === mtimeMs && known.size === size) return known.hash;
  const hash = sha256(readFileSync(path));
  fileHashes.set(path, { mtimeMs, size, hash });
  return hash;
}

export async function localCodeIdentity(step: Step, rootDir: string, handlers: HandlerModules, environment: Environment): Promise<string> {
  switch (step.kind) {
    case 'lambda':
      return lambdaCodeIdentity(await handlers.codeHashOf(join(rootDir, step.handler), rootDir), step.files ?? [], rootDir);
    case 'container': {
      const command = await Promise.all((step.local?.command ?? []).map((arg) => contentOf(arg, rootDir, handlers)));
      const inherited: Record<string, string> = {};
      for (const name of step.local?.inheritEnvironment ?? []) {
        const value = environment[name];
        if (value !== undefined) inherited[name] = await contentOf(value, rootDir, handlers);
      }
      return sha256(stringify({ image: step.image, command, inherited }) ?? '');
    }
    case 'simulate':
      return handlers.codeHashOf(builtinFunctionModule('simulate-step'), rootDir);
    case 'service':
      return handlers.codeHashOf(builtinFunctionModule('service-call'), rootDir);
    case 'pipeline':
      // Its child's steps are reused (or not) in the child's own run.
      return `pipeline ${step.pipeline}`;
  }
}
