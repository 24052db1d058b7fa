/**
 * The run-changes stream (`GET /events/runs`) the console redraws from: over real HTTP from a local
 * runtime, every change of a run and its steps, in order, each naming its pipeline.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerSentEvents } from '../../lib/cli/actions/events';
import type { RunChange } from '../../lib/contract/run-changes';
import { MAX_EVENT_STREAM_CLIENTS } from '../../lib/local/runs/event-streams';
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

  it('serves at most 50 clients: the next is refused with 503 and run starts go on while 50 never read (issue 29, item 21)', async () => {
    const { port } = new URL(api);
    const silent = await Promise.all(
      Array.from(
        { length: MAX_EVENT_STREAM_CLIENTS },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(Number(port), '127.0.0.1', () => {
              socket.write(`GET /events/runs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
              // The headers came: it is connected. Then it reads nothing more.
              socket.once('data', () => {
                socket.pause();
                resolve(socket);
              });
            });
            socket.on('error', reject);
          }),
      ),
    );

    const refused = await fetch(`${api}/events/runs`);
    const started = await fetch(`${api}/pipelines/pair/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"runId": "beside-silent-clients"}' });
    const run = await runtime.waitForRun('beside-silent-clients');

    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { message: string }).message).toContain('50 event stream clients are connected');
    expect(started.status).toBe(202);
    expect(run.status).toBe('SUCCEEDED');
    for (const socket of silent) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = new AbortController();
    expect((await fetch(`${api}/events/runs`, { signal: again.signal })).status).toBe(200);
    again.abort();
  });
});
