/**
 * `orchestra events`: follows the activity events of `orchestra up` (GET /events, server-sent events):
 * keyed runs started, succeeded or failed, keys expired — one line each, or JSON lines.
 */
import type { ActivityEvent } from '../../contract/activity';
import { messageOf, OrchestraError } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';
import type { eventsCommand } from '../commands/servers';
import type { OptionsOf } from '../commands/shared';
import { EXIT_OK } from '../exit-codes';
import { dataDirOf } from '../local-session';
import type { Output } from '../output';
import { RunsApiClient } from '../runs-api-client';

export type EventsOptions = OptionsOf<typeof eventsCommand>;

const describe = (event: ActivityEvent): string =>
  `${event.time.slice(11, 19)} ${event.type.padEnd(9)} ${event.pipeline} ${event.key}${event.runId === undefined ? '' : ` ${event.runId}`}${
    event.type === 'failed' ? ` (${event.status})` : event.type === 'expired' ? ` — missing ${(event.missing ?? []).join(', ')}` : ''
  }`;

/** The `data:` JSON of each complete server-sent event in `buffer`, and what is left of it. */
export function parseServerSentEvents(buffer: string): { events: unknown[]; rest: string } {
  const blocks = buffer.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events = blocks.flatMap((block) => {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    return data === '' ? [] : [JSON.parse(data) as unknown];
  });
  return { events, rest };
}

const isActivity = (value: unknown): value is ActivityEvent =>
  isJsonRecord(value) && typeof value['type'] === 'string' && typeof value['pipeline'] === 'string' && typeof value['key'] === 'string' && typeof value['time'] === 'string';

export async function followEvents(options: EventsOptions, output: Output, stop?: AbortSignal): Promise<number> {
  const client = await RunsApiClient.connect(options, dataDirOf(options));
  let response: Response;
  try {
    response = await fetch(`${client.baseUrl}/events`, { headers: { accept: 'text/event-stream' }, ...(stop === undefined ? {} : { signal: stop }) });
  } catch (error) {
    throw new OrchestraError('runs-api-unreachable', `cannot reach ${client.baseUrl}/events (${messageOf(error)}) — is \`orchestra up\` running?`, { cause: error });
  }
  if (!response.ok || response.body === null)
    throw new OrchestraError('runs-api-unreachable', `${client.baseUrl}/events answered HTTP ${response.status}: is it an \`orchestra up\`?`);
  let seen = 0;
  let buffer = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      const parsed = parseServerSentEvents(buffer + decoder.decode(chunk, { stream: true }));
      buffer = parsed.rest;
      for (const event of parsed.events.filter(isActivity)) {
        output.out(options.json === true ? JSON.stringify(event) : describe(event));
        seen++;
        if (options.count !== undefined && seen >= options.count) return EXIT_OK;
      }
    }
  } catch (error) {
    if (stop?.aborted !== true) throw error;
  }
  return EXIT_OK;
}
