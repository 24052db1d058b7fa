/** Where the runs API's OpenAPI document lives (tests fail when it is stale; `npm run build:schema` writes it). */
import { join } from 'node:path';
import { openApiText } from '../lib/contract/openapi';

export const OPENAPI_FILE = join(import.meta.dirname, '..', 'schema', 'openapi.json');
export const renderOpenApi = openApiText;
