/**
 * `GET /runs`: runs across pipelines, newest first, filtered by pipeline, status, key (what the run
 * was started for: lib/contract/run-key.ts) and start time, paged. Step Functions lists one
 * state machine at a time, so the pages of each are merged; the token keeps, for each pipeline, where
 * its unreturned runs start, and the position of the last run returned (so nothing is returned twice
 * or skipped, even when runs start between pages).
 */
import { DescribeExecutionCommand, type ExecutionListItem, type ExecutionStatus, ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RunSummary } from '../../lib/contract/run-answers';
import { nameMayBeFor, runIsFor, type StartMode } from '../../lib/contract/run-key';
import { isJsonRecord, parseStoredJson } from '../../lib/shared/json';

export interface RunsQuery {
  readonly pipelines: ReadonlyArray<readonly [name: string, stateMachineArn: string]>;
  /** How each pipeline's runs start, which decides what `key` matches (lib/contract/run-key.ts). */
  readonly startModeOf?: (pipeline: string) => StartMode;
  readonly status?: ExecutionStatus;
  readonly key?: string;
  readonly since?: Date;
  readonly limit: number;
  readonly token?: RunsToken;
}

/** Position of a run in the merged order: newest first, then pipeline, then run id. */
interface Position {
  readonly startedAt: number;
  readonly pipeline: string;
  readonly runId: string;
}

export interface RunsToken {
  readonly after: Position;
  /** Per pipeline: the ListExecutions token of the page holding its first unreturned run (null: the first page), or "done". */
  readonly cursors: Readonly<Record<string, string | null>>;
}

const DONE = 'done';

const positionOf = (pipeline: string, item: ExecutionListItem): Position => ({ startedAt: item.startDate?.getTime() ?? 0, pipeline, runId: item.name ?? '' });

/** Whether `a` comes before `b` in the merged order. */
const before = (a: Position, b: Position): boolean =>
  a.startedAt !== b.startedAt ? a.startedAt > b.startedAt : a.pipeline !== b.pipeline ? a.pipeline < b.pipeline : a.runId < b.runId;

export function encodeRunsToken(token: RunsToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The token, or undefined when it is not one this API gave. */
export function decodeRunsToken(text: string): RunsToken | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!isJsonRecord(value) || !isJsonRecord(value['after']) || !isJsonRecord(value['cursors'])) return undefined;
    const { startedAt, pipeline, runId } = value['after'];
    if (typeof startedAt !== 'number' || typeof pipeline !== 'string' || typeof runId !== 'string') return undefined;
    const cursors: Record<string, string | null> = {};
    for (const [name, cursor] of Object.entries(value['cursors'])) {
      if (cursor !== null && typeof cursor !== 'string') return undefined;
      cursors[name] = cursor;
    }
    return { after: { startedAt, pipeline, runId }, cursors };
  } catch {
    return undefined;
  }
}

interface Candidate {
  readonly position: Position;
  readonly item: ExecutionListItem;
  /** The ListExecutions token of the page it came from. */
  readonly page: string | null;
}

export async function listAllRuns(sfn: SFNClient, query: RunsQuery): Promise<{ runs: RunSummary[]; nextToken?: string }> {
  const { after } = query.token ?? {};
  const candidates: Candidate[] = [];
  /** Per pipeline: the page after the last one read (DONE when there is none). */
  const resumeAt = new Map<string, string | null>();
  for (const [pipeline, stateMachineArn] of query.pipelines) {
    // null is a cursor (the first page): only a pipeline the token does not name is done.
    const start = query.token === undefined ? null : Object.hasOwn(query.token.cursors, pipeline) ? (query.token.cursors[pipeline] ?? null) : DONE;
    resumeAt.set(pipeline, start);
    if (start === DONE) continue;
    let page: string | null = start;
    let found = 0;
    for (;;) {
      const listed = await sfn.send(
        new ListExecutionsCommand({
          stateMachineArn,
          maxResults: 100,
          ...(query.status === undefined ? {} : { statusFilter: query.status }),
          ...(page === null ? {} : { nextToken: page }),
        }),
      );
      let older = false;
      for (const item of listed.executions ?? []) {
        const position = positionOf(pipeline, item);
        if (query.since !== undefined && position.startedAt < query.since.getTime()) {
          older = true;
          break;
        }
        if (after !== undefined && !before(after, position)) continue;
        if (query.key !== undefined && !(await startedFor(sfn, item, query.startModeOf?.(pipeline), query.key))) continue;
        candidates.push({ position, item, page });
        found += 1;
      }
      const next = older ? undefined : listed.nextToken;
      resumeAt.set(pipeline, next ?? DONE);
      // Enough from this pipeline for a page: the rest is read from here next time.
      if (next === undefined || found >= query.limit) break;
      page = next;
    }
  }
  candidates.sort((a, b) => (before(a.position, b.position) ? -1 : 1));
  const returned = candidates.slice(0, query.limit);
  const rest = candidates.slice(query.limit);
  const last = returned.at(-1);
  const cursors: Record<string, string | null> = {};
  for (const [pipeline] of query.pipelines) {
    const firstLeft = rest.find((c) => c.position.pipeline === pipeline);
    cursors[pipeline] = firstLeft !== undefined ? firstLeft.page : (resumeAt.get(pipeline) ?? DONE);
  }
  const more = Object.values(cursors).some((cursor) => cursor !== DONE);
  return {
    runs: returned.map(({ position, item }) => ({
      pipeline: position.pipeline,
      runId: position.runId,
      // Step Functions lists every execution with its status and start.
      status: item.status ?? 'RUNNING',
      startedAt: (item.startDate ?? new Date(position.startedAt)).toISOString(),
      ...(item.stopDate === undefined ? {} : { stoppedAt: item.stopDate.toISOString() }),
    })),
    ...(more && last !== undefined ? { nextToken: encodeRunsToken({ after: last.position, cursors }) } : {}),
  };
}

/** Whether the run was started for `key`: only runs whose names fit the key are described (one call each). */
async function startedFor(sfn: SFNClient, item: ExecutionListItem, mode: StartMode, key: string): Promise<boolean> {
  if (item.name === undefined || !nameMayBeFor(item.name, key)) return false;
  const { input } = await sfn.send(new DescribeExecutionCommand({ executionArn: item.executionArn }));
  return runIsFor(parseStoredJson(input ?? '{}'), mode, key);
}
