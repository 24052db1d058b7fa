/** `orchestra up` serves a pipeline again when its graph and definition are saved; a stale definition is refused, not served. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PipelineSource } from '../../lib/catalogue';
import { watchPipelines } from '../../lib/cli/pipeline-watch';
import { compileGraph } from '../../lib/compiler/compile';
import type { PipelineGraph } from '../../lib/graph/schema';

let dir: string;
let stop: () => void = () => undefined;

const graph = (durationMs: number): PipelineGraph => ({ name: 'watched', steps: { wait: { kind: 'simulate', durationMs } } });

function save(durationMs: number, options: { compiled: boolean }): void {
  writeFileSync(join(dir, 'watched.graph.json'), JSON.stringify(graph(durationMs)));
  if (options.compiled) writeFileSync(join(dir, 'watched.asl.json'), compileGraph(graph(durationMs)).text);
}

/** The next thing the watcher reports. */
function nextReport(): Promise<{ reloaded?: PipelineSource; refused?: string }> {
  return new Promise((resolve) => {
    stop();
    stop = watchPipelines(dir, { reloaded: (pipeline) => resolve({ reloaded: pipeline }), refused: (_, reason) => resolve({ refused: reason }) });
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchestra-watch-'));
  writeFileSync(join(dir, 'package.json'), '{}');
  save(1, { compiled: true });
});

afterEach(() => {
  stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('watchPipelines', () => {
  it('loads the pipeline again once its graph and compiled definition are saved', async () => {
    const report = nextReport();
    save(25, { compiled: true });

    const { reloaded } = await report;

    expect(reloaded?.graph.steps['wait']).toEqual({ kind: 'simulate', durationMs: 25 });
    expect(reloaded?.definitionSource).toBe('committed');
  });

  it('refuses a graph whose committed definition is stale, saying how to rebuild it', async () => {
    const report = nextReport();
    save(50, { compiled: false });

    expect((await report).refused).toMatch(/watched\.asl\.json does not match .*watched\.graph\.json: .* run `npx orchestra build`/);
  });
});
