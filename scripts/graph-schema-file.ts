/** Where the published JSON Schema lives and what it must contain (tests fail when it is stale). */
import { join } from 'node:path';
import { graphJsonSchema } from '../lib/graph/schema';

export const SCHEMA_FILE = join(import.meta.dirname, '..', 'schema', 'graph.schema.json');
export const renderSchema = (): string => `${JSON.stringify(graphJsonSchema(), null, 2)}\n`;
