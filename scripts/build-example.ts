/** Writes the generated flood example dataset (see scripts/flood-example.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_DIR, floodExampleFiles } from './flood-example';

const dir = join(import.meta.dirname, '..', EXAMPLE_DIR);
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(floodExampleFiles())) {
  writeFileSync(join(dir, name), text);
  console.log(`${join(EXAMPLE_DIR, name)}: ${text.length} bytes`);
}
