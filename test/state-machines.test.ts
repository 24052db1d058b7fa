/** Reviewers read the compiled ASL in diffs: the committed files must match a fresh compile. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aslFileFor, graphFilesIn } from '../lib/catalogue';
import { stepTypesFileFor, stepTypesText } from '../lib/catalogue/step-types';
import { compileGraph } from '../lib/compiler';
import { loadGraphFile } from '../lib/graph';
import { renderSchema, SCHEMA_FILE } from '../scripts/graph-schema-file';
import { OPENAPI_FILE, renderOpenApi } from '../scripts/openapi-file';
import { aslErrors } from './helpers/asl';

const STATE_MACHINES = join(import.meta.dirname, '..', 'state-machines');

describe('committed artefacts', () => {
  const graphs = graphFilesIn(STATE_MACHINES);

  it('has pipelines to check', () => {
    expect(graphs.length).toBeGreaterThan(0);
  });

  it.each(graphs.map((file) => [file.split('/').pop() as string, file]))('%s: committed ASL is up to date and valid — else run `npx orchestra build`', (_, file) => {
    const compiled = compileGraph(loadGraphFile(file).graph);

    expect(readFileSync(aslFileFor(file), 'utf8')).toBe(compiled.text);
    expect(aslErrors(compiled)).toEqual([]);
    expect(compiled.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it.each(graphs.map((file) => [file.split('/').pop() as string, file]))('%s: committed step types are up to date — else run `npx orchestra build`', (_, file) => {
    const { graph, rootDir } = loadGraphFile(file);

    expect(readFileSync(stepTypesFileFor(file), 'utf8')).toBe(stepTypesText(graph, file, rootDir));
  });

  it('schema/graph.schema.json is up to date — else run `npm run build:schema`', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchema());
  });

  it('schema/openapi.json (the runs API, from the request schemas) is up to date — else run `npm run build:schema`', () => {
    const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { openapi: string; components: { schemas: Record<string, unknown> } };

    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.schemas['StartRunRequest']).toMatchObject({ additionalProperties: false, properties: { runId: { pattern: '^[A-Za-z0-9_-]{1,80}$' } } });
  });
});
