/**
 * `npm run catalogue`: the nightly catalogue end to end on the embedded runtime — 90 days of generated
 * observations, then the night run twice: the first catalogues the window's observations, the second
 * finds nothing new (the processed index), and the database is unchanged.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { observationFiles } from './catalogue-example';

const ROOT = join(import.meta.dirname, '..');
const folder = mkdtempSync(join(tmpdir(), 'orchestra-observations-'));
for (const [name, text] of Object.entries(observationFiles(new Date(), 90))) {
  mkdirSync(dirname(join(folder, name)), { recursive: true });
  writeFileSync(join(folder, name), text);
}
console.log(`90 observations in ${folder}; the window is 60 to 1 days ago`);
for (const night of ['first night', 'second night (same observations)']) {
  console.log(`\n── ${night}`);
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'orchestra.js'), 'run', 'nightly-catalogue', '--input', folder], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
console.log(`\nCatalogue database: ${process.env['CATALOGUE_DB'] ?? '.orchestra/catalogue.sqlite'} (table "catalogue")`);
