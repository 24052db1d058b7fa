/**
 * The run-changes stream (`GET /events/runs`) the console redraws from: over real HTTP from a local
 * runtime, every change of a run and its steps, in order, each naming its pipeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerSentEvents } from '../../lib/cli/commands/events';
import type { RunChange } from '../../lib/contract/run-changes';
import type { LocalRuntime } from '../../lib/local/runtime';
import { startTestRuntime } from '../helpers/local-runtime';

let runtime: LocalRuntime;
let api: string;

beforeAll(async () => {
  runtime = await startTestRuntime([{ name: 'pair', steps: { a: { kind: 'simulate', durationMs: 50 }, b: { kind: 'simulate', dependsOn: ['a'] } } }]);
  api = (await runtime.serveRunsApi()).url;
});
afterAll(() => runtime.stop());

/** Reads the stream until `until` says stop, then closes it. */
async function readChanges(until: (changes: readonly RunChange[]) => boolean, started: () => Promise<void>): Promise<RunChange[]> {
  const stop = new AbortController();
  const response = await fetch(`${api}/events/runs`, { signal: stop.signal });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const reader = (response.body ?? new ReadableStream()).pipeThrough(new TextDecoderStream()).getReader();
  const changes: RunChange[] = [];
  let buffer = '';
  await started();
  while (!until(changes)) {
    const { value, done } = await reader.read();
    if (done) break;
    const parsed = parseServerSentEvents(buffer + value);
    buffer = parsed.rest;
    changes.push(...(parsed.events as RunChange[]));
  }
  stop.abort();
  return changes;
}

describe('run changes', () => {
  it('stream every change of a run and its steps, in order, each naming its pipeline', async () => {
    const changes = await readChanges(
      (seen) => seen.some((c) => c.type === 'run' && c.status === 'SUCCEEDED'),
      async () => {
        const started = await fetch(`${api}/pipelines/pair/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"runId": "watched"}' });
        expect(started.status).toBe(202);
      },
    );

    expect(changes.every((c) => c.pipeline === 'pair' && c.runId === 'watched' && !Number.isNaN(Date.parse(c.time)))).toBe(true);
    expect(changes.map((c) => [c.type, c.step ?? '', c.status])).toEqual([
      ['run', '', 'RUNNING'],
      ['step', 'a', 'RUNNING'],
      ['step', 'a', 'SUCCEEDED'],
      ['step', 'b', 'RUNNING'],
      ['step', 'b', 'SUCCEEDED'],
      ['run', '', 'SUCCEEDED'],
    ]);
  });
});
