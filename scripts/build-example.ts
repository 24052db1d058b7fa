/** Writes the generated flood example case (see scripts/flood-example.ts), replacing what was there. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_DIR, floodExampleFiles } from './flood-example';

const dir = join(import.meta.dirname, '..', EXAMPLE_DIR);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(floodExampleFiles())) {
  writeFileSync(join(dir, name), text);
  console.log(`${join(EXAMPLE_DIR, name)}: ${text.length} bytes`);
}
