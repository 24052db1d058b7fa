/**
 * Server-sent event streams of `orchestra up` (activity, run changes), bounded: at most MAX_CLIENTS at
 * once, and each client's unsent bytes at most MAX_BUFFERED_BYTES. 300 connected clients that never
 * read slowed run starts about 4× and grew memory without end; now the 51st is refused (503, retry
 * later) and a client that stops reading is dropped with an event telling it to reconnect (a browser's
 * EventSource does so by itself).
 */
import type { ServerResponse } from 'node:http';

export const MAX_EVENT_STREAM_CLIENTS = 50;
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long a dropped client has to take its last event before its connection is cut. */
const DROP_GRACE_MS = 5_000;
const KEEP_ALIVE_MS = 15_000;

/** The part of a response a stream uses (a ServerResponse; a stand-in in tests). */
export type EventStreamResponse = Pick<ServerResponse, 'writeHead' | 'write' | 'end' | 'destroy' | 'writableLength' | 'on'>;

/** What the client is told when it is dropped: it reconnects (and reloads what it shows) when ready. */
export const RECONNECT_EVENT = `event: reconnect\ndata: ${JSON.stringify({ reason: `this client fell more than ${MAX_BUFFERED_BYTES} bytes behind: reconnect` })}\n\n`;

export class EventStreams {
  private clients = 0;

  constructor(
    private readonly maxClients = MAX_EVENT_STREAM_CLIENTS,
    private readonly maxBufferedBytes = MAX_BUFFERED_BYTES,
  ) {}

  get connected(): number {
    return this.clients;
  }

  /** Streams what `subscribe` writes until the client goes, is dropped, or was refused (false). */
  open(response: EventStreamResponse, title: string, subscribe: (write: (text: string) => void) => () => void): boolean {
    if (this.clients >= this.maxClients) {
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
      response.end(JSON.stringify({ message: `${this.maxClients} event stream clients are connected, the most this runtime serves: close another console tab, or retry later` }));
      return false;
    }
    this.clients += 1;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // A browser reconnects a second after the stream ends (its default is three).
    response.write(`: ${title}\nretry: 1000\n\n`);
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      this.clients -= 1;
      clearInterval(keepAlive);
      stop();
    };
    const write = (text: string) => {
      if (!open) return;
      if (response.writableLength + text.length <= this.maxBufferedBytes) {
        response.write(text);
        return;
      }
      close();
      response.end(RECONNECT_EVENT);
      setTimeout(() => response.destroy(), DROP_GRACE_MS).unref();
    };
    const stop = subscribe(write);
    const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    response.on('close', close);
    return true;
  }
}
