/**
 * The runs API's OpenAPI 3.1 document, generated from the route table (./runs-api-routes.ts): paths,
 * parameters and answers from the table, every body's schema from the zod schema the function
 * validates with (requests) or builds its answers to (answers). Committed as schema/openapi.json (a
 * test fails when it is stale) and served by `orchestra up` at /openapi.json.
 */
import * as z from 'zod/mini';
import { InvariantError } from '../shared/errors';
import { type NamedSchema, PATH_PARAMETERS, type ParameterSpec, pathParametersOf, type RouteSpec, routeEntries } from './runs-api-routes';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: unknown) => ({ 'application/json': { schema } });
const LOCATION = { Location: { description: 'Where it is: GET it to follow', schema: { type: 'string' } } };

const parameter = (spec: ParameterSpec, where: 'path' | 'query' | 'header') => ({
  name: spec.name,
  in: where,
  ...(where === 'path' ? { required: true } : {}),
  schema: spec.schema,
  ...(spec.description === undefined ? {} : { description: spec.description }),
});

function pathParameter(name: string) {
  const spec = PATH_PARAMETERS[name];
  if (spec === undefined) throw new InvariantError(`runs API path parameter {${name}} is not described in PATH_PARAMETERS`);
  return parameter(spec, 'path');
}

/** Every named schema the routes use, once: components.schemas. */
function componentsOf(routes: readonly RouteSpec[]): Record<string, unknown> {
  const schemas = new Map<string, NamedSchema & { io: 'input' | 'output' }>();
  for (const route of routes) {
    if (route.body !== undefined) schemas.set(route.body.name, { ...route.body, io: 'input' });
    for (const answer of Object.values(route.answers)) if (answer.body !== undefined) schemas.set(answer.body.name, { ...answer.body, io: 'output' });
  }
  return Object.fromEntries(
    [...schemas.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(({ name, schema, io }) => [name, z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' })]),
  );
}

function operationOf(operationId: string, route: RouteSpec) {
  const parameters = [...(route.query ?? []).map((spec) => parameter(spec, 'query')), ...(route.headers ?? []).map((spec) => parameter(spec, 'header'))];
  return {
    operationId,
    summary: route.summary,
    ...(route.auth === 'capability' ? { security: [] } : {}),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(route.body === undefined ? {} : { requestBody: { required: true, content: jsonContent(ref(route.body.name)) } }),
    responses: Object.fromEntries(
      Object.entries(route.answers).map(([status, answer]) => [
        status,
        {
          description: answer.description,
          ...(answer.location === true ? { headers: LOCATION } : {}),
          ...(answer.body === undefined ? {} : { content: jsonContent(ref(answer.body.name)) }),
        },
      ]),
    ),
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, route] of routeEntries()) {
    const item = (paths[route.path] ??= {});
    const names = pathParametersOf(route.path);
    if (names.length > 0) item['parameters'] = names.map(pathParameter);
    item[route.method.toLowerCase()] = operationOf(operationId, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Orchestra runs API',
      version: '1',
      description: 'Start, list, inspect, cancel and redrive pipeline runs. The same API locally (`orchestra up`) and on a deployed stack (API Gateway, IAM-signed requests).',
    },
    security: [{ sigv4: [] }],
    paths,
    components: {
      securitySchemes: { sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', description: 'AWS Signature Version 4 (API Gateway IAM authorization)' } },
      schemas: componentsOf(routeEntries().map(([, route]) => route)),
    },
  };
}

/** The document as committed (schema/openapi.json) and served. */
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
