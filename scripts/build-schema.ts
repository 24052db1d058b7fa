/** Writes schema/graph.schema.json from the zod definition (tests fail when it is stale). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphJsonSchema } from '../lib/graph/schema';

export const SCHEMA_FILE = join(__dirname, '..', 'schema', 'graph.schema.json');
export const renderSchema = (): string => `${JSON.stringify(graphJsonSchema(), null, 2)}\n`;

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, renderSchema());
  process.stderr.write(`${SCHEMA_FILE}: written\n`);
}
