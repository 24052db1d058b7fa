/**
 * A mission's product graph → one Orchestra pipeline per product, each with a keyed trigger: a
 * product runs for an observation id once its mandatory inputs (`m_input`) exist, with its optional
 * ones (`o_input`) if present, and its output is a data item, so products feed products. Every problem
 * is reported at once, with its JSON path and the fix, as `validate` does.
 *
 *   {"inputs": ["EclTmVhfAlert", …],
 *    "products": {"QPO_ECL": {"m_input": ["EclTmVhfAlert"], "o_input": […], "provider": "qpo_ecl_pipeline", "url": "http://…/pipeline"}, …}}
 */

import { type Issue, issue } from '../contract/issues';
import { DEFAULT_DATA_PREFIX } from '../contract/step-event';
import type { PipelineGraph, Step } from '../graph/schema';
import { fixForUnknownName } from '../graph/suggest';
import { DATA_TYPE_PATTERN, PIPELINE_NAME_MAX_LENGTH } from '../kinds/step-fields';
import { isJsonRecord } from '../shared/json';

export interface ImportProductsOptions {
  /** Give every product the built-in simulated provider (1–5 s, fails with probability 0.2), whatever its provider says. */
  readonly simulate?: boolean;
  /** Where data items live. @default "data/" */
  readonly dataPrefix?: string;
}

export interface ImportedProducts {
  readonly graphs: readonly PipelineGraph[];
  readonly issues: readonly Issue[];
}

interface Product {
  readonly name: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  readonly provider: string;
  readonly url?: string;
}

const PIPELINE_NAME = /^[A-Za-z0-9_-]+$/;

function stringList(value: unknown, at: (string | number)[], found: Issue[], what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    found.push(issue('schema', at, `expected a list of ${what} names`, 'write e.g. ["EclTmVhfAlert"]'));
    return [];
  }
  return value;
}

function productsOf(document: unknown, found: Issue[]): { inputs: string[]; products: Product[] } {
  if (!isJsonRecord(document)) {
    found.push(issue('schema', [], 'expected a JSON object with "inputs" and "products"', 'see the example in the README ("Keyed triggers")'));
    return { inputs: [], products: [] };
  }
  const inputs = stringList(document['inputs'], ['inputs'], found, 'input type');
  for (const [index, type] of inputs.entries())
    if (!DATA_TYPE_PATTERN.test(type)) found.push(issue('schema', ['inputs', index], `"${type}" is not a data type name`, 'use letters, digits, "_", "." or "-"'));
  const raw = document['products'];
  if (!isJsonRecord(raw) || Object.keys(raw).length === 0) {
    found.push(issue('schema', ['products'], 'expected an object of products by name', 'add e.g. {"QPO_ECL": {"m_input": ["EclTmVhfAlert"], "provider": "simulate"}}'));
    return { inputs, products: [] };
  }
  const products: Product[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const at = ['products', name];
    if (!DATA_TYPE_PATTERN.test(name) || !PIPELINE_NAME.test(name) || name.length > PIPELINE_NAME_MAX_LENGTH) {
      found.push(issue('schema', at, `"${name}" cannot name both a data type and a pipeline`, 'use letters, digits, "_" and "-" (at most 64)'));
      continue;
    }
    if (!isJsonRecord(value)) {
      found.push(issue('schema', at, 'expected an object with "m_input", "o_input", "provider" and "url"', 'see the example in the README'));
      continue;
    }
    const required = stringList(value['m_input'], [...at, 'm_input'], found, 'input type');
    const optional = stringList(value['o_input'], [...at, 'o_input'], found, 'input type');
    if (required.length === 0) found.push(issue('schema', [...at, 'm_input'], 'a product needs at least one mandatory input', 'list the data types it cannot run without'));
    const provider = value['provider'];
    if (typeof provider !== 'string' || provider === '') {
      found.push(issue('schema', [...at, 'provider'], 'the product has no provider', 'name the pipeline or service that makes it, or "simulate"'));
      continue;
    }
    // "" is how product graphs say "no URL" (a simulated provider, or a pipeline of ours needs none).
    const url = value['url'] === '' ? undefined : value['url'];
    if (url !== undefined && (typeof url !== 'string' || !isHttpUrl(url))) {
      found.push(issue('schema', [...at, 'url'], `${JSON.stringify(url)} is not an http(s) URL`, 'write e.g. "http://qpo_ecl_pipeline:5000/pipeline"'));
      continue;
    }
    products.push({ name, required, optional, provider, ...(typeof url === 'string' ? { url } : {}) });
  }
  return { inputs, products };
}

function isHttpUrl(text: string): boolean {
  try {
    const parsed = new URL(text);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** Products needing themselves through other products: each cycle once, as A → B → A. */
function cyclesOf(products: readonly Product[]): string[][] {
  const byName = new Map(products.map((product) => [product.name, product]));
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(name)), name]);
      return;
    }
    state.set(name, 'visiting');
    for (const input of [...(byName.get(name)?.required ?? []), ...(byName.get(name)?.optional ?? [])]) if (byName.has(input)) visit(input, [...path, name]);
    state.set(name, 'done');
  };
  for (const product of products) visit(product.name, []);
  return cycles;
}

export function importProducts(document: unknown, options: ImportProductsOptions = {}): ImportedProducts {
  const found: Issue[] = [];
  const { inputs, products } = productsOf(document, found);
  const known = [...inputs, ...products.map((p) => p.name)];
  for (const product of products) {
    for (const [list, types] of [
      ['m_input', product.required],
      ['o_input', product.optional],
    ] as const) {
      types.forEach((type, index) => {
        if (!known.includes(type)) found.push(issue('schema', ['products', product.name, list, index], `unknown input type "${type}"`, fixForUnknownName(type, known)));
      });
    }
    if (
      !options.simulate &&
      product.provider !== 'simulate' &&
      product.url === undefined &&
      !(PIPELINE_NAME.test(product.provider) && product.provider.length <= PIPELINE_NAME_MAX_LENGTH)
    ) {
      found.push(
        issue(
          'schema',
          ['products', product.name, 'provider'],
          `provider "${product.provider}" has no "url" and is not an Orchestra pipeline name (letters, digits, "-" and "_", at most 64)`,
          'give the service\'s URL (e.g. "http://qpo_ecl_pipeline:5000/pipeline"), the name of the pipeline that makes it, or "simulate"',
        ),
      );
    }
  }
  for (const cycle of cyclesOf(products)) {
    found.push(issue('dependency-cycle', ['products', cycle[0] ?? ''], `products need each other: ${cycle.join(' → ')}`, 'a product cannot be an input of a product it feeds'));
  }
  if (found.some((i) => i.severity === 'error')) return { graphs: [], issues: found };
  const dataPrefix = options.dataPrefix ?? DEFAULT_DATA_PREFIX;
  const graphs = products.map(
    (product): PipelineGraph => ({
      name: product.name,
      description: `${product.name} for one observation id, once ${product.required.join(', ')} exist (provider ${product.provider}; imported product graph)`,
      trigger: { mode: 'keyed', dataPrefix, required: [...product.required], ...(product.optional.length > 0 ? { optional: [...product.optional] } : {}) },
      steps: { produce: providerStep(product, dataPrefix, options.simulate ?? false) },
    }),
  );
  return { graphs, issues: found };
}

function providerStep(product: Product, dataPrefix: string, simulate: boolean): Step {
  if (simulate || product.provider === 'simulate') return simulatedProvider(product, dataPrefix);
  return product.url === undefined ? pipelineProvider(product) : serviceProvider(product, product.url);
}

/** Another Orchestra pipeline makes the product: it runs with {product, obs_id, inputs} and imports the product as a data item. */
function pipelineProvider(product: Product): Step {
  return {
    kind: 'pipeline',
    description: `Runs the ${product.provider} pipeline to make ${product.name}; it imports ${product.name} for the key, which starts the products that need it.`,
    pipeline: product.provider,
    input: { product: product.name, obs_id: '{key}', inputs: '{inputs}' },
    publishes: product.name,
  };
}

function simulatedProvider(product: Product, dataPrefix: string): Step {
  return {
    kind: 'simulate',
    description: `Makes ${product.name} and writes it as a data item, so products that need it can start.`,
    durationMs: [1000, 5000],
    failureRate: 0.2,
    retry: { maxAttempts: 3, intervalSeconds: 1 },
    writes: `${dataPrefix}${product.name}/{key}/${product.name}.json`,
  };
}

/** The mission's services take {product, obs_id, inputs} and import their product themselves: its arrival ends the step. */
function serviceProvider(product: Product, url: string): Step {
  return {
    kind: 'service',
    description: `Asks ${product.provider} to make ${product.name}; done when ${product.name} arrives for the key or the service calls back.`,
    url,
    body: { product: product.name, obs_id: '{key}', inputs: '{inputs}' },
    awaitsDataItem: product.name,
    // Accepting the work may fail on a busy service; a refusal (4xx) is never retried.
    retry: { maxAttempts: 3, intervalSeconds: 5 },
  };
}
