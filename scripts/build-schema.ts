/** Writes schema/graph.schema.json and schema/openapi.json from their zod definitions (`npm run build:schema`). */
import { writeFileSync } from 'node:fs';
import { renderSchema, SCHEMA_FILE } from './graph-schema-file';
import { OPENAPI_FILE, renderOpenApi } from './openapi-file';

writeFileSync(SCHEMA_FILE, renderSchema());
writeFileSync(OPENAPI_FILE, renderOpenApi());
process.stderr.write(`${SCHEMA_FILE}, ${OPENAPI_FILE}: written\n`);
