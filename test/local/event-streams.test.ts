/** Event streams bounded in clients and in each client's unsent bytes (issue 29, item 21). */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type EventStreamResponse, EventStreams, RECONNECT_EVENT } from '../../lib/local/runs/event-streams';

/** A response whose client never reads: everything written stays buffered. */
function stalledResponse() {
  const emitter = new EventEmitter();
  const state = { status: 0, written: [] as string[], ended: undefined as string | undefined, destroyed: false };
  const response = {
    writeHead: (status: number) => {
      state.status = status;
      return response;
    },
    write: (text: string) => {
      state.written.push(text);
      return false;
    },
    end: (text?: string) => {
      state.ended = text ?? '';
      return response;
    },
    destroy: () => {
      state.destroyed = true;
      return response;
    },
    get writableLength() {
      return state.written.join('').length;
    },
    on: (event: string, listener: () => void) => {
      emitter.on(event, listener);
      return response;
    },
  };
  return { response: response as unknown as EventStreamResponse, state, close: () => emitter.emit('close') };
}

describe('EventStreams', () => {
  it('drops a client that fell a buffer behind, telling it to reconnect, and stops feeding it', () => {
    const streams = new EventStreams(50, 1000);
    const { response, state } = stalledResponse();
    let send: (text: string) => void = () => undefined;
    let unsubscribed = false;
    streams.open(response, 'test', (write) => {
      send = write;
      return () => {
        unsubscribed = true;
      };
    });

    for (let i = 0; i < 20; i++) send(`data: ${'x'.repeat(90)}\n\n`);

    expect(state.written.join('').length).toBeLessThanOrEqual(1000);
    expect(state.ended).toBe(RECONNECT_EVENT);
    expect(unsubscribed).toBe(true);
    expect(streams.connected).toBe(0);
  });

  it('refuses a client over the cap with 503, and counts a client that left as gone', () => {
    const streams = new EventStreams(2, 1000);
    const clients = [stalledResponse(), stalledResponse(), stalledResponse()];
    const opened = clients.map(({ response }) => streams.open(response, 'test', () => () => undefined));

    expect(opened).toEqual([true, true, false]);
    expect(clients[2]?.state.status).toBe(503);
    expect(JSON.parse(clients[2]?.state.ended ?? '{}').message).toContain('2 event stream clients are connected');
    clients[0]?.close();
    expect(streams.connected).toBe(1);
    expect(streams.open(stalledResponse().response, 'test', () => () => undefined)).toBe(true);
  });
});
