/** The product-graph importer: every problem at once with its path, and keyed pipelines that validate. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelinesIn } from '../../lib/catalogue';
import { validateGraphText } from '../../lib/graph';
import { importProducts } from '../../lib/importers/products';
import { cli } from '../helpers/cli';

const ROOT = join(import.meta.dirname, '..', '..');

const EXAMPLE = JSON.parse(readFileSync(join(ROOT, 'examples', 'products', 'products.json'), 'utf8')) as unknown;

describe('importProducts', () => {
  it('makes one keyed pipeline per product: m_input required, o_input optional, writing the product as a data item', () => {
    const { graphs, issues } = importProducts(EXAMPLE, { simulate: true });

    expect(issues).toEqual([]);
    expect(graphs.map((g) => g.name)).toEqual(['QPO_ECL', 'GRB_LC', 'MXT_SRC', 'GRB_SPEC', 'XRAY_CAT', 'BURST_REPORT']);
    expect(graphs.find((g) => g.name === 'BURST_REPORT')).toMatchObject({
      trigger: { mode: 'keyed', dataPrefix: 'data/', required: ['GRB_SPEC', 'XRAY_CAT'], optional: ['QPO_ECL'] },
      steps: { produce: { kind: 'simulate', writes: 'data/BURST_REPORT/{key}/BURST_REPORT.json' } },
    });
    for (const graph of graphs) expect(validateGraphText(JSON.stringify(graph)).issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('reports every problem at once: unknown input types (with a suggestion), cycles, a missing provider, a malformed URL', () => {
    const { graphs, issues } = importProducts(
      {
        inputs: ['EclTmVhfAlert'],
        products: {
          A: { m_input: ['EclTmVhfAlret'], provider: 'simulate' },
          B: { m_input: ['C'], provider: 'simulate' },
          C: { m_input: ['B'], provider: 'simulate' },
          D: { m_input: ['EclTmVhfAlert'] },
          E: { m_input: ['EclTmVhfAlert'], provider: 'e', url: 'not a url' },
        },
      },
      { simulate: true },
    );

    expect(graphs).toEqual([]);
    expect(issues.map((i) => [i.path, i.message, i.fix])).toEqual([
      ['products.D.provider', 'the product has no provider', 'name the pipeline or service that makes it, or "simulate"'],
      ['products.E.url', '"not a url" is not an http(s) URL', 'write e.g. "http://qpo_ecl_pipeline:5000/pipeline"'],
      ['products.A.m_input[0]', 'unknown input type "EclTmVhfAlret"', expect.stringContaining('did you mean "EclTmVhfAlert"')],
      ['products.B', 'products need each other: B → C → B', 'a product cannot be an input of a product it feeds'],
    ]);
  });

  it("calls each product's service when it has a URL: a service step sending the mission's body and awaiting the product", () => {
    const { graphs, issues } = importProducts(EXAMPLE);

    expect(issues).toEqual([]);
    expect(graphs.find((g) => g.name === 'GRB_SPEC')?.steps['produce']).toEqual({
      kind: 'service',
      description: expect.stringContaining('grb_spec_pipeline'),
      url: 'http://grb_spec_pipeline:5000/pipeline',
      body: { product: 'GRB_SPEC', obs_id: '{key}', inputs: '{inputs}' },
      awaitsDataItem: 'GRB_SPEC',
      retry: { maxAttempts: 3, intervalSeconds: 5 },
    });
    for (const graph of graphs) expect(validateGraphText(JSON.stringify(graph)).issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('runs a provider without a URL as the Orchestra pipeline it names, publishing the product', () => {
    const { graphs, issues } = importProducts({ inputs: ['A'], products: { P: { m_input: ['A'], provider: 'p_pipeline' } } });

    expect(issues).toEqual([]);
    expect(graphs[0]?.steps['produce']).toEqual({
      kind: 'pipeline',
      description: expect.stringContaining('p_pipeline'),
      pipeline: 'p_pipeline',
      input: { product: 'P', obs_id: '{key}', inputs: '{inputs}' },
      publishes: 'P',
    });
    for (const graph of graphs) expect(validateGraphText(JSON.stringify(graph)).issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('refuses a provider that is neither a URL, a pipeline name nor "simulate", naming the field', () => {
    const { issues } = importProducts({ inputs: ['A'], products: { P: { m_input: ['A'], provider: 'the P pipeline' } } });

    expect(issues).toEqual([
      {
        code: 'schema',
        severity: 'error',
        path: 'products.P.provider',
        message: expect.stringContaining('not an Orchestra pipeline name'),
        fix: expect.stringContaining('"simulate"'),
      },
    ]);
  });
});

describe('a product whose url is "" (issue 29, item 25)', () => {
  it('is simulated with --simulate, and with "provider": "simulate", as one without a URL', () => {
    const graph = { inputs: ['A'], products: { P: { m_input: ['A'], o_input: [], provider: 'p_pipeline', url: '' }, Q: { m_input: ['P'], provider: 'simulate', url: '' } } };

    const simulated = importProducts(graph, { simulate: true });
    const asGiven = importProducts(graph);

    expect(simulated.issues).toEqual([]);
    expect(simulated.graphs.map((g) => g.steps['produce']?.kind)).toEqual(['simulate', 'simulate']);
    expect(asGiven.issues).toEqual([]);
    expect(asGiven.graphs.map((g) => g.steps['produce']?.kind)).toEqual(['pipeline', 'simulate']);
  });
});

describe('orchestra import products', () => {
  it('writes a graph and its compiled ASL per product, ready for `orchestra up --pipelines`', async () => {
    const out = mkdtempSync(join(tmpdir(), 'orchestra-products-'));

    const result = await cli('import', 'products', join(ROOT, 'examples', 'products', 'products.json'), '--out', out, '--simulate');

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('6 product pipelines in');
    expect(readdirSync(out).sort()).toHaveLength(12);
    expect(loadPipelinesIn(out).map((p) => [p.name, p.definitionSource])).toEqual(
      ['BURST_REPORT', 'GRB_LC', 'GRB_SPEC', 'MXT_SRC', 'QPO_ECL', 'XRAY_CAT'].map((name) => [name, 'committed']),
    );
  });

  it('fails with each problem on its line, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-products-'));
    const file = join(dir, 'products.json');
    writeFileSync(file, '{\n  "inputs": ["A"],\n  "products": {\n    "P": {"m_input": ["B"], "provider": "simulate"}\n  }\n}\n');

    const result = await cli('import', 'products', file, '--out', join(dir, 'out'));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:4:`);
    expect(result.stderr).toContain('products.P.m_input[0]: unknown input type "B"');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
