/** Writes schema/graph.schema.json from the zod definition (`npm run build:schema`). */
import { writeFileSync } from 'node:fs';
import { renderSchema, SCHEMA_FILE } from './graph-schema-file';

writeFileSync(SCHEMA_FILE, renderSchema());
process.stderr.write(`${SCHEMA_FILE}: written\n`);
