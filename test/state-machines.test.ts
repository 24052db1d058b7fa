/** Reviewers read the compiled ASL in diffs: the committed files must match a fresh compile. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aslFileFor, graphFilesIn } from '../lib/catalogue';
import { compileGraph } from '../lib/compiler';
import { loadGraphFile } from '../lib/graph';
import { renderSchema, SCHEMA_FILE } from '../scripts/graph-schema-file';
import { aslErrors } from './helpers/asl';

const STATE_MACHINES = join(import.meta.dirname, '..', 'state-machines');

describe('committed artefacts', () => {
  const graphs = graphFilesIn(STATE_MACHINES);

  it('has pipelines to check', () => {
    expect(graphs.length).toBeGreaterThan(0);
  });

  it.each(graphs.map((file) => [file.split('/').pop() as string, file]))('%s: committed ASL is up to date and valid — else run `npm run build:state-machines`', (_, file) => {
    const compiled = compileGraph(loadGraphFile(file).graph);

    expect(readFileSync(aslFileFor(file), 'utf8')).toBe(compiled.text);
    expect(aslErrors(compiled)).toEqual([]);
    expect(compiled.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('schema/graph.schema.json is up to date — else run `npm run build:schema`', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchema());
  });
});
