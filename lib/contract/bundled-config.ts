/**
 * Per-stack settings the stack writes beside a built-in function's bundle, as orchestra-config.json:
 * too big for Lambda's 4 KB of environment (a product graph's dozens of keyed triggers), and the
 * bundle itself is prebuilt once and shared by every stack, so they cannot be compiled into it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { isJsonRecord } from '../shared/json';
import { ConfigurationError } from './errors';
import { type PipelineDescription, pipelineDescriptionSchema } from './pipeline-description';

export const BUNDLED_CONFIG_FILE = 'orchestra-config.json';

/** The runs API's pipelines, as PipelineDescription JSON by name. */
export const PIPELINE_DESCRIPTIONS_SETTING = 'ORCHESTRA_PIPELINE_DESCRIPTIONS';
/** The keyed triggers (conductor and runs API). */
export const KEYED_TRIGGERS_SETTING = 'ORCHESTRA_KEYED_TRIGGERS';
/** The data items service steps await (conductor). */
export const AWAITED_ITEMS_SETTING = 'ORCHESTRA_AWAITED_ITEMS';

/** The settings, by name, each a JSON text the function parses and checks itself. */
export type BundledConfig = Readonly<Record<string, string>>;

/** A Map, not an object: a setting named like an Object.prototype property is simply absent. */
let cached: { root: string; config: ReadonlyMap<string, string> } | undefined;

/** One setting from the bundle's config file (LAMBDA_TASK_ROOT), or undefined when it has none. */
export function bundledSetting(name: string): string | undefined {
  const root = process.env['LAMBDA_TASK_ROOT'];
  if (root === undefined) return undefined;
  if (cached?.root !== root) cached = { root, config: readConfig(join(root, BUNDLED_CONFIG_FILE)) };
  return cached.config.get(name);
}

function readConfig(file: string): ReadonlyMap<string, string> {
  if (!existsSync(file)) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`${file} is not JSON: the stack writes it beside the bundle — deploy the function with the stack`, { cause: error });
  }
  if (!isJsonRecord(parsed)) throw new ConfigurationError(`${file} must hold a JSON object of settings`);
  return new Map(Object.entries(parsed).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as const] : [])));
}

/** The bundled descriptions by pipeline name, checked (a mismatched bundle is a configuration error, named). */
export function parsePipelineDescriptions(json: string): { readonly descriptions: Record<string, PipelineDescription> } | { readonly problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { problem: `${PIPELINE_DESCRIPTIONS_SETTING} is not JSON` };
  }
  const parsed = z.safeParse(z.record(z.string(), pipelineDescriptionSchema), value);
  if (!parsed.success) return { problem: `${PIPELINE_DESCRIPTIONS_SETTING}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  return { descriptions: parsed.data };
}
