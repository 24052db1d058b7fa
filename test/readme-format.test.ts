/** The README's graph-format table names every field the graph schema has (schema/graph.schema.json, generated from the zod schema). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isJsonRecord } from '../lib/shared/json';

const ROOT = join(import.meta.dirname, '..');

/** Every property name anywhere in the JSON schema. */
function propertyNames(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) propertyNames(item, into);
  if (!isJsonRecord(node)) return into;
  if (isJsonRecord(node['properties'])) for (const name of Object.keys(node['properties'])) into.add(name);
  for (const value of Object.values(node)) propertyNames(value, into);
  return into;
}

describe('README, "Format"', () => {
  it('lists every field of the graph schema in its table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Format'), readme.indexOf('\n### ', readme.indexOf('### Format') + 1));
    const table = section
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .join('\n');
    const schema: unknown = JSON.parse(readFileSync(join(ROOT, 'schema', 'graph.schema.json'), 'utf8'));

    const missing = [...propertyNames(schema)].filter((name) => !new RegExp(`\`(?:[\\w.<>]*\\.)?${name.replace('$', '\\$')}[\`.]`).test(table));

    expect(missing).toEqual([]);
  });
});
