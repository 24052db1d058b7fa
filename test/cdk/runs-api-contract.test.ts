/**
 * One route table, four readers that must agree (issue 31): the function's router, the API Gateway
 * resources the stack deploys, the OpenAPI document, and the typed client. Each is read as it is
 * really used — the router's middy routes, the synthesized template, the generated document, the
 * requests the client sends — and described the same way: method, path, query parameters, headers,
 * body schema and authorisation.
 */
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { runsApiRoutes } from '../../functions/runs-api/router';
import { pipelineFromGraph } from '../../lib/catalogue';
import { createRunsClient, RunsApiError } from '../../lib/client/runs-client';
import type { HttpRequest } from '../../lib/client/transport';
import { openApiDocument } from '../../lib/contract/openapi';
import { pathParametersOf, routeEntries } from '../../lib/contract/runs-api-routes';
import type { PipelineGraph } from '../../lib/graph/schema';
import { isJsonRecord, type JsonRecord } from '../../lib/shared/json';
import { checkedStack } from '../helpers/cdk-template';
import { fakeSfn } from '../helpers/fake-sfn';

const ROOT = join(import.meta.dirname, '..', '..');
/** Keyed and with a service step: a stack that deploys every route the table has. */
const everything: PipelineGraph = {
  name: 'QPO_ECL',
  trigger: { mode: 'keyed', required: ['EclTmVhfAlert'] },
  steps: { produce: { kind: 'service', url: 'https://qpo.example.org/pipeline', awaitsDataItem: 'QPO_ECL' } },
};

interface RouteShape {
  readonly route: string;
  readonly query: readonly string[];
  readonly headers: readonly string[];
  readonly auth: 'iam' | 'none';
}

const sorted = (names: Iterable<string>): string[] => [...names].sort();
const byRoute = (shapes: readonly RouteShape[]) => [...shapes].sort((a, b) => a.route.localeCompare(b.route));

/** The table, as each reader should show it. */
const fromTable = (): RouteShape[] =>
  routeEntries().map(([, route]) => ({
    route: `${route.method} ${route.path}`,
    query: sorted((route.query ?? []).map((p) => p.name)),
    headers: sorted((route.headers ?? []).map((p) => p.name)),
    auth: route.auth === 'capability' ? 'none' : 'iam',
  }));

/** The deployed methods: each Method's resource path rebuilt from its Resource parents. */
function fromTemplate(template: Template): RouteShape[] {
  const resources = template.findResources('AWS::ApiGateway::Resource');
  const pathOf = (reference: unknown): string => {
    if (!isJsonRecord(reference) || typeof reference['Ref'] !== 'string') return ''; // the API's root
    const properties = resources[reference['Ref']]?.['Properties'] as JsonRecord;
    return `${pathOf(properties['ParentId'])}/${String(properties['PathPart'])}`;
  };
  return Object.values(template.findResources('AWS::ApiGateway::Method')).map((method) => {
    const properties = method['Properties'] as JsonRecord;
    const parameters = Object.keys(isJsonRecord(properties['RequestParameters']) ? properties['RequestParameters'] : {});
    const named = (where: string) => sorted(parameters.filter((p) => p.startsWith(`method.request.${where}.`)).map((p) => p.slice(`method.request.${where}.`.length)));
    const route = `${String(properties['HttpMethod'])} ${pathOf(properties['ResourceId']) || '/'}`;
    expect(named('path'), route).toEqual(sorted(pathParametersOf(route)));
    return { route, query: named('querystring'), headers: named('header'), auth: properties['AuthorizationType'] === 'NONE' ? 'none' : 'iam' };
  });
}

function fromOpenApi(): RouteShape[] {
  const document = openApiDocument();
  const paths = document['paths'] as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([key]) => key !== 'parameters')
      .map(([method, operation]) => {
        const described = operation as { parameters?: Array<{ name: string; in: string }>; security?: unknown[] };
        const named = (where: string) => sorted((described.parameters ?? []).filter((p) => p.in === where).map((p) => p.name));
        return { route: `${method.toUpperCase()} ${path}`, query: named('query'), headers: named('header'), auth: described.security?.length === 0 ? 'none' : 'iam' };
      }),
  );
}

/** What the client sends for each of its methods, every parameter given: path parameters filled with `{name}`, read back. */
async function fromClient(): Promise<RouteShape[]> {
  const sent: HttpRequest[] = [];
  const client = createRunsClient({
    baseUrl: 'http://api.test/v1',
    transport: async (request) => {
      sent.push(request);
      return { status: 418, headers: new Headers(), body: '{"message": "recorded"}' };
    },
  });
  const shapes: RouteShape[] = [];
  for (const [operation, route] of routeEntries()) {
    const request = {
      ...Object.fromEntries(pathParametersOf(route.path).map((name) => [name, `{${name}}`])),
      query: Object.fromEntries((route.query ?? []).map((p) => [p.name, 'x'])),
      headers: Object.fromEntries((route.headers ?? []).map((p) => [p.name, 'x'])),
      ...(route.body === undefined ? {} : { body: {} }),
    };
    const method: unknown = Reflect.get(client, operation);
    if (typeof method !== 'function') throw new Error(`the client has no method ${operation}`);
    await expect(method(request)).rejects.toBeInstanceOf(RunsApiError);
    const last = sent.at(-1);
    const url = new URL(last?.url ?? '');
    shapes.push({
      route: `${last?.method} ${decodeURIComponent(url.pathname.slice('/v1'.length))}`,
      query: sorted(url.searchParams.keys()),
      headers: sorted(Object.keys(last?.headers ?? {}).filter((name) => name !== 'content-type')),
      auth: route.auth === 'capability' ? 'none' : 'iam', // the transport signs, not the client
    });
    expect(last?.body === undefined, `${operation} sends a body exactly when its route takes one`).toBe(route.body === undefined);
  }
  return shapes;
}

describe('the runs API contract', () => {
  let template: Template;

  beforeAll(() => {
    ({ template } = checkedStack('Contract', [pipelineFromGraph(everything, ROOT)]));
  });

  it('the router serves exactly the routes of the table', () => {
    const routes = runsApiRoutes({ sfn: fakeSfn(() => ({})).sfn, pipelines: {} }).map((route) => `${route.method} ${route.path}`);

    expect(sorted(routes)).toEqual(sorted(fromTable().map((shape) => shape.route)));
  });

  it('API Gateway deploys the same routes, parameters, headers and authorisation (a stack with keyed pipelines and service steps has them all)', () => {
    expect(byRoute(fromTemplate(template))).toEqual(byRoute(fromTable()));
  });

  it('the OpenAPI document describes the same routes, parameters, headers and authorisation', () => {
    expect(byRoute(fromOpenApi())).toEqual(byRoute(fromTable()));
  });

  it('the typed client sends the same routes, parameters and headers', async () => {
    expect(byRoute(await fromClient())).toEqual(byRoute(fromTable()));
  });

  it("the body API Gateway checks is the table's schema, as the OpenAPI document gives it", () => {
    const models = Object.values(template.findResources('AWS::ApiGateway::Model')).map((model) => model['Properties'] as JsonRecord);
    const checked = routeEntries().flatMap(([, route]) => (route.body?.checkedByGateway === true ? [route.body.name] : []));
    const components = (openApiDocument()['components'] as { schemas: Record<string, { properties?: Record<string, unknown> }> }).schemas;

    expect(checked).toEqual(['StartRunRequest']);
    expect(models).toHaveLength(checked.length);
    const schema = models[0]?.['Schema'] as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(components['StartRunRequest']?.properties ?? {}).sort());
  });

  it('deploys the keyed and service routes only when the stack has what they serve', () => {
    const { template: plain } = checkedStack('Plain', [pipelineFromGraph({ name: 'plain', steps: { a: { kind: 'simulate' } } }, ROOT)]);
    const routes = fromTemplate(plain).map((shape) => shape.route);

    expect(routes).not.toContain('POST /backfills');
    expect(routes).not.toContain('POST /callbacks/{callbackId}');
    expect(routes).toContain('POST /pipelines/{pipeline}/runs');
  });
});
