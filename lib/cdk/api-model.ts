/**
 * API Gateway request models from the runs API's zod schemas (lib/contract/runs-api.ts), so the model
 * API Gateway checks and the function's own validation are one definition. zod writes JSON Schema
 * draft-04 (API Gateway's dialect); this reads it into CDK's JsonSchema type field by field.
 */
import { type JsonSchema, JsonSchemaType, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import * as z from 'zod/mini';
import { InvariantError } from '../shared/errors';
import { isJsonRecord, type JsonRecord } from '../shared/json';

const TYPES: Readonly<Record<string, JsonSchemaType>> = {
  object: JsonSchemaType.OBJECT,
  string: JsonSchemaType.STRING,
  number: JsonSchemaType.NUMBER,
  integer: JsonSchemaType.INTEGER,
  boolean: JsonSchemaType.BOOLEAN,
  array: JsonSchemaType.ARRAY,
  null: JsonSchemaType.NULL,
};

function read(node: JsonRecord, at: string): JsonSchema {
  const known = new Set(['$schema', 'type', 'properties', 'required', 'additionalProperties', 'pattern', 'items', 'description']);
  const unknown = Object.keys(node).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new InvariantError(`${at}: JSON Schema keyword(s) ${unknown.join(', ')} have no mapping to API Gateway models yet`);
  const { type, properties, required, additionalProperties, pattern, items, description } = node;
  const typeOf = (name: unknown): JsonSchemaType => {
    const mapped = typeof name === 'string' ? TYPES[name] : undefined;
    if (mapped === undefined) throw new InvariantError(`${at}.type: unexpected ${JSON.stringify(name)}`);
    return mapped;
  };
  return {
    ...(type === undefined ? {} : { type: typeOf(type) }),
    ...(isJsonRecord(properties) ? { properties: Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, child(value, `${at}.properties.${key}`)])) } : {}),
    ...(Array.isArray(required) ? { required: required.map(String) } : {}),
    ...(typeof additionalProperties === 'boolean'
      ? { additionalProperties }
      : isJsonRecord(additionalProperties)
        ? { additionalProperties: read(additionalProperties, `${at}.additionalProperties`) }
        : {}),
    ...(typeof pattern === 'string' ? { pattern } : {}),
    ...(items === undefined ? {} : { items: child(items, `${at}.items`) }),
    ...(typeof description === 'string' ? { description } : {}),
  };
}

function child(value: unknown, at: string): JsonSchema {
  if (!isJsonRecord(value)) throw new InvariantError(`${at}: expected a schema object`);
  return read(value, at);
}

/** The API Gateway model schema (draft-04) for a request body schema. */
export function apiGatewayModelOf(schema: z.core.$ZodType): JsonSchema {
  const json: JsonRecord = z.toJSONSchema(schema, { target: 'draft-04', io: 'input' });
  return { schema: JsonSchemaVersion.DRAFT4, ...read(json, '$') };
}
