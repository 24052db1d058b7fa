/**
 * The run database: run records, Step Functions history events and log lines in one SQLite file,
 * <dataDir>/orchestra.db, through `node:sqlite` (built into Node 24; a native addon would be compiled
 * at `npm ci` against the system Node 20 and then loaded by Node 24). WAL mode: the writes of each
 * turn of the event loop are committed together as it ends (queueWrite), so a `kill -9` at any moment
 * loses nothing committed, and readers (the CLI) never block the server. Run ids are the primary key, which is what makes a run name usable
 * once, like a Step Functions execution name.
 *
 * Records of older versions (<dataDir>/runs/<id>.json, .log, .history) are imported once by the
 * process that holds the data folder, then moved to runs/imported/; files that cannot be read stay
 * where they are and are reported, never dropped.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { ERRORS } from '../../contract/errors';
import type { RunStatus } from '../../contract/statuses';
import { messageOf, OrchestraError } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';
import { isAlive } from '../../shared/process';
import { DamagedRunRecordError, parseRunRecord, type RunRecord, TERMINAL_RUN_STATUSES } from './run-record';

/** One line of a run's log: what a step printed (stdout, stderr) or the runtime said about it (system). */
export interface LogEntry {
  readonly time: string;
  readonly step?: string;
  readonly attempt?: number;
  readonly stream: 'stdout' | 'stderr' | 'system';
  readonly message: string;
}

export class RunAlreadyExistsError extends OrchestraError {
  override readonly name = 'RunAlreadyExistsError';
  constructor(readonly runId: string) {
    super('run-exists', `a run named "${runId}" already exists — a run name is used once, as a Step Functions execution name`);
  }
}

export class RunNotFoundError extends OrchestraError {
  override readonly name = 'RunNotFoundError';
  constructor(runId: string, where: string) {
    super('run-not-found', `no run "${runId}" in ${where} — list runs with \`orchestra runs\``);
  }
}

/** The database file is not one this version can use: says which file and what to do. */
export class RunDatabaseError extends OrchestraError {
  override readonly name = 'RunDatabaseError';
  constructor(file: string, reason: string, options: { cause?: unknown } = {}) {
    super('run-database', `${file}: ${reason} — move it away (Orchestra then starts a new one) or point --data-dir elsewhere`, options);
  }
}

/** Which runs a page holds: newest first, after the position the previous page ended at. */
export interface RunQuery {
  readonly pipeline?: string;
  readonly status?: RunStatus;
  readonly after?: { readonly startedAt: string; readonly runId: string };
  readonly limit: number;
}

/** "ORCH" in ASCII: the SQLite application id of Orchestra run databases. */
const APPLICATION_ID = 0x4f524348;
/** 2 added the keyed triggers' tables (lib/local/triggers/key-ledger.ts); version-1 databases gain them when opened. */
const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  pipeline TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_newest ON runs (started_at DESC, run_id);
CREATE INDEX IF NOT EXISTS runs_by_pipeline ON runs (pipeline, started_at DESC, run_id);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, started_at DESC, run_id);
CREATE TABLE IF NOT EXISTS history (run_id TEXT NOT NULL, id INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (run_id, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS logs (seq INTEGER PRIMARY KEY, run_id TEXT NOT NULL, entry TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS logs_by_run ON logs (run_id, seq);
CREATE TABLE IF NOT EXISTS keyed_keys (pipeline TEXT NOT NULL, key TEXT NOT NULL, first_seen TEXT NOT NULL, ready_at TEXT, expired_at TEXT, PRIMARY KEY (pipeline, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS keyed_arrivals (pipeline TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL, object_key TEXT NOT NULL, etag TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (pipeline, key, type, object_key, etag)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS keyed_runs (pipeline TEXT NOT NULL, key TEXT NOT NULL, version TEXT NOT NULL, run_name TEXT NOT NULL, input TEXT NOT NULL, claimed_at TEXT NOT NULL, PRIMARY KEY (pipeline, key, version)) WITHOUT ROWID;
`;

/** A run as StartExecution compares it with a request for its name. */
export interface StartedAs {
  readonly pipeline: string;
  readonly status: string;
  readonly startedAt: string;
  /** The run's input as JSON text, as it was recorded. */
  readonly inputJson: string;
}

export class RunStore {
  /** The database file. */
  readonly file: string;
  private readonly legacyDir: string;
  private readonly db: DatabaseSync;
  private readonly statements: {
    insert: StatementSync;
    update: StatementSync;
    get: StatementSync;
    appendLog: StatementSync;
    readLog: StatementSync;
    appendHistory: StatementSync;
    readHistory: StatementSync;
    historyForward: StatementSync;
    historyBackward: StatementSync;
    running: StatementSync;
    exists: StatementSync;
    startedAs: StatementSync;
    logPage: StatementSync;
  };
  private readonly pendingSaves = new Map<string, { record: RunRecord; timer: NodeJS.Timeout }>();
  /** History events, log lines and record updates of this turn of the event loop, committed together (see queueWrite). */
  private readonly queuedWrites: Array<() => void> = [];
  private flushScheduled = false;
  private closed = false;

  /** How long step updates may wait before reaching the database (the run's start and end are written at once). */
  static readonly SAVE_DELAY_MS = 100;

  /**
   * Opens (or creates) the database of `dataDir`. `importLegacy`: import run files of older versions;
   * only the process holding the data folder (the runtime) may.
   */
  constructor(
    readonly dataDir: string,
    options: { readonly importLegacy?: boolean } = {},
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'orchestra.db');
    this.legacyDir = join(dataDir, 'runs');
    this.db = openDatabase(this.file);
    const prepare = (sql: string) => this.db.prepare(sql);
    this.statements = {
      insert: prepare('INSERT INTO runs (run_id, pipeline, status, started_at, record) VALUES (?, ?, ?, ?, ?)'),
      update: prepare('UPDATE runs SET status = ?, record = ? WHERE run_id = ?'),
      get: prepare('SELECT record FROM runs WHERE run_id = ?'),
      appendLog: prepare('INSERT INTO logs (run_id, entry) VALUES (?, ?)'),
      readLog: prepare('SELECT entry FROM logs WHERE run_id = ? ORDER BY seq'),
      appendHistory: prepare('INSERT OR REPLACE INTO history (run_id, id, event) VALUES (?, ?, ?)'),
      readHistory: prepare('SELECT event FROM history WHERE run_id = ? ORDER BY id'),
      historyForward: prepare('SELECT event FROM history WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?'),
      historyBackward: prepare('SELECT event FROM history WHERE run_id = ? AND id < ? ORDER BY id DESC LIMIT ?'),
      running: prepare("SELECT record FROM runs WHERE status = 'RUNNING'"),
      exists: prepare('SELECT 1 FROM runs WHERE run_id = ?'),
      startedAs: prepare("SELECT pipeline, status, started_at, json_extract(record, '$.input') AS input FROM runs WHERE run_id = ?"),
      logPage: prepare('SELECT entry FROM logs WHERE run_id = ? ORDER BY seq LIMIT ? OFFSET ?'),
    };
    if (options.importLegacy === true) this.importLegacy();
  }

  /** Throws RunAlreadyExistsError when the name was used before, by this process or an earlier one. */
  create(record: RunRecord): void {
    try {
      this.statements.insert.run(record.runId, record.pipeline, record.status, record.startedAt, JSON.stringify(record));
    } catch (error) {
      if (isConstraintError(error)) throw new RunAlreadyExistsError(record.runId);
      throw error;
    }
  }

  /**
   * Writes within SAVE_DELAY_MS, coalescing the updates in between: a run record holds every step,
   * so writing it at each step change would cost a pipeline's size per change.
   */
  saveSoon(record: RunRecord): void {
    if (this.pendingSaves.has(record.runId)) return;
    const timer = setTimeout(() => this.save(record), RunStore.SAVE_DELAY_MS);
    timer.unref();
    this.pendingSaves.set(record.runId, { record, timer });
  }

  save(record: RunRecord): void {
    const pending = this.pendingSaves.get(record.runId);
    if (pending !== undefined) {
      clearTimeout(pending.timer);
      this.pendingSaves.delete(record.runId);
    }
    const [status, text] = [record.status, JSON.stringify(record)];
    this.queueWrite(() => this.statements.update.run(status, text, record.runId));
  }

  /**
   * Writes are committed once per turn of the event loop, in one transaction: a step's events, log
   * lines and record change cost one commit, not one each (a 10-step run wrote ~80 commits). Every
   * read of this store commits what is queued first, so the process always reads its own writes; a
   * process killed with writes queued loses at most that turn's (less than a millisecond of events),
   * and what was committed stays whole.
   */
  private queueWrite(write: () => void): void {
    if (this.closed) return;
    this.queuedWrites.push(write);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushWrites());
  }

  /** Commits the queued writes now, in one transaction. */
  flushWrites(): void {
    this.flushScheduled = false;
    if (this.closed || this.queuedWrites.length === 0) return;
    const writes = this.queuedWrites.splice(0);
    this.db.exec('BEGIN');
    try {
      for (const write of writes) write();
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  has(runId: string): boolean {
    this.flushWrites();
    return this.statements.exists.get(runId) !== undefined;
  }

  /**
   * What StartExecution compares when a name is taken — the run's pipeline, status and input (its JSON
   * text) — without reading and checking its whole record: a burst of duplicate deliveries asks it for
   * every one.
   */
  startedAs(runId: string): StartedAs | undefined {
    this.flushWrites();
    const row = this.statements.startedAs.get(runId);
    return row === undefined
      ? undefined
      : { pipeline: String(row['pipeline']), status: String(row['status']), startedAt: String(row['started_at']), inputJson: String(row['input']) };
  }

  get(runId: string): RunRecord {
    this.flushWrites();
    const row = this.statements.get.get(runId);
    if (row === undefined) {
      // A record file of an older version that could not be imported: say so rather than "no run".
      const legacy = join(this.legacyDir, `${runId}.json`);
      if (/^[A-Za-z0-9_-]+$/.test(runId) && existsSync(legacy)) parseRunRecord(readFileSync(legacy, 'utf8'), legacy);
      throw new RunNotFoundError(runId, this.file);
    }
    return parseRunRecord(String(row['record']), `${this.file} (run ${runId})`);
  }

  /** A page of runs, newest first (by start time, then run id), for listing APIs. */
  page(query: RunQuery): { readonly runs: RunRecord[]; readonly damaged: DamagedRunRecordError[] } {
    const where: string[] = [];
    const values: string[] = [];
    if (query.pipeline !== undefined) {
      where.push('pipeline = ?');
      values.push(query.pipeline);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      values.push(query.status);
    }
    if (query.after !== undefined) {
      where.push('(started_at < ? OR (started_at = ? AND run_id > ?))');
      values.push(query.after.startedAt, query.after.startedAt, query.after.runId);
    }
    this.flushWrites();
    const sql = `SELECT run_id, record FROM runs ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY started_at DESC, run_id LIMIT ${Math.max(0, Math.trunc(query.limit))}`;
    return this.parseRows(this.db.prepare(sql).all(...values));
  }

  /** Every run, newest first, and the records that could not be read (each with its reason), legacy files included. */
  scan(): { readonly runs: RunRecord[]; readonly damaged: DamagedRunRecordError[] } {
    this.flushWrites();
    const stored = this.parseRows(this.db.prepare('SELECT run_id, record FROM runs ORDER BY started_at DESC, run_id').all());
    const legacy = this.legacyFiles();
    const runs = [...stored.runs, ...legacy.runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.runId.localeCompare(b.runId));
    return { runs, damaged: [...stored.damaged, ...legacy.damaged] };
  }

  /** Newest first; damaged records are left out (see scan). */
  list(): RunRecord[] {
    return this.scan().runs;
  }

  appendLog(runId: string, entry: LogEntry): void {
    const text = JSON.stringify(entry);
    this.queueWrite(() => this.statements.appendLog.run(runId, text));
  }

  /** Lines `offset` to `offset + limit` of the run's log, and whether more follow. */
  logPage(runId: string, offset: number, limit: number): { readonly entries: LogEntry[]; readonly more: boolean } {
    this.flushWrites();
    if (this.statements.exists.get(runId) === undefined) throw new RunNotFoundError(runId, this.file);
    const rows = this.statements.logPage.all(runId, limit + 1, offset);
    return { entries: rows.slice(0, limit).map((row) => logEntryOf(String(row['entry']))), more: rows.length > limit };
  }

  readLog(runId: string): LogEntry[] {
    this.flushWrites();
    this.get(runId);
    return this.statements.readLog.all(runId).map((row) => logEntryOf(String(row['entry'])));
  }

  appendHistory(runId: string, event: HistoryEvent): void {
    const text = JSON.stringify(event);
    this.queueWrite(() => this.statements.appendHistory.run(runId, event.id ?? 0, text));
  }

  /** A page of the run's history: events after (or, reversed, before) event `from`, read from the primary key. */
  historyPage(runId: string, page: { readonly from?: number; readonly reverse: boolean; readonly limit: number }): HistoryEvent[] {
    this.flushWrites();
    // Existence only: reading the whole record (every step) for each page would cost more than the page.
    if (this.statements.exists.get(runId) === undefined) throw new RunNotFoundError(runId, this.file);
    const statement = page.reverse ? this.statements.historyBackward : this.statements.historyForward;
    const from = page.from ?? (page.reverse ? Number.MAX_SAFE_INTEGER : 0);
    return statement.all(runId, from, page.limit).map((row) => historyEventOf(String(row['event']), `${this.file} (run ${runId})`));
  }

  /** The run's Step Functions history, oldest first. */
  readHistory(runId: string): HistoryEvent[] {
    this.flushWrites();
    this.get(runId);
    return this.statements.readHistory.all(runId).map((row, index) => historyEventOf(String(row['event']), `${this.file} (run ${runId}, event ${index + 1})`));
  }

  /**
   * Runs left RUNNING by a process that is gone (crash, Ctrl-C) are marked ABORTED with the reason,
   * never left looking alive and never dropped. Returns their ids.
   */
  markInterrupted(now = new Date()): { readonly interrupted: string[]; readonly damaged: DamagedRunRecordError[] } {
    this.flushWrites();
    const interrupted: string[] = [];
    const { runs } = this.parseRows(this.statements.running.all());
    for (const record of runs) {
      if (TERMINAL_RUN_STATUSES.has(record.status) || isAlive(record.ownerPid)) continue;
      const cause = `the local runtime (pid ${record.ownerPid}) stopped while this run was running`;
      record.status = 'ABORTED';
      record.stoppedAt = now.toISOString();
      record.error = { error: ERRORS.interrupted, cause };
      for (const step of Object.values(record.steps)) {
        if (step.status === 'RUNNING' || step.status === 'RETRYING') Object.assign(step, { status: 'ABORTED', stoppedAt: record.stoppedAt, error: record.error });
      }
      // Its history ends too, as a stopped execution's does: without it, readers of the history (the
      // runs API, the console) showed the step under way RUNNING, its time counting up forever.
      const [last] = this.statements.historyBackward.all(record.runId, Number.MAX_SAFE_INTEGER, 1).map((row) => historyEventOf(String(row['event']), this.file));
      if (last?.id !== undefined) {
        const ended = { timestamp: now, type: 'ExecutionAborted' as const, id: last.id + 1, previousEventId: last.id, executionAbortedEventDetails: { ...record.error } };
        this.appendHistory(record.runId, ended);
        record.historyEvents = last.id + 1;
      }
      this.save(record);
      interrupted.push(record.runId);
    }
    this.flushWrites();
    return { interrupted, damaged: this.scan().damaged };
  }

  async close(): Promise<void> {
    for (const { record } of [...this.pendingSaves.values()]) this.save(record);
    this.flushWrites();
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private parseRows(rows: ReadonlyArray<Record<string, unknown>>): { runs: RunRecord[]; damaged: DamagedRunRecordError[] } {
    const runs: RunRecord[] = [];
    const damaged: DamagedRunRecordError[] = [];
    for (const row of rows) {
      try {
        runs.push(parseRunRecord(String(row['record']), `${this.file} (run ${String(row['run_id'])})`));
      } catch (error) {
        if (!(error instanceof DamagedRunRecordError)) throw error;
        damaged.push(error);
      }
    }
    return { runs, damaged };
  }

  /** Run record files of older versions still in runs/: readable ones (not yet imported) and damaged ones. */
  private legacyFiles(): { runs: RunRecord[]; damaged: DamagedRunRecordError[] } {
    const runs: RunRecord[] = [];
    const damaged: DamagedRunRecordError[] = [];
    if (!existsSync(this.legacyDir)) return { runs, damaged };
    for (const name of readdirSync(this.legacyDir).filter((entry) => entry.endsWith('.json'))) {
      const file = join(this.legacyDir, name);
      try {
        runs.push(parseRunRecord(readFileSync(file, 'utf8'), file));
      } catch (error) {
        if (!(error instanceof DamagedRunRecordError)) throw error;
        damaged.push(error);
      }
    }
    return { runs, damaged };
  }

  /** Imports readable legacy records with their logs and history in one transaction each, then moves their files to runs/imported/. */
  private importLegacy(): void {
    const imported = join(this.legacyDir, 'imported');
    for (const record of this.legacyFiles().runs) {
      const files = ['json', 'log', 'history'].map((extension) => join(this.legacyDir, `${record.runId}.${extension}`));
      this.db.exec('BEGIN');
      try {
        try {
          this.create(record);
        } catch (error) {
          // Already imported by a process that died before moving the files.
          if (!(error instanceof RunAlreadyExistsError)) throw error;
          this.db.exec('ROLLBACK');
          this.moveAway(files, imported);
          continue;
        }
        for (const line of linesOf(files[1])) this.statements.appendLog.run(record.runId, line);
        for (const line of linesOf(files[2])) {
          // Inside this import's own transaction, not queued for the next turn.
          const event = historyEventOf(line, files[2] ?? '');
          this.statements.appendHistory.run(record.runId, event.id ?? 0, JSON.stringify(event));
        }
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
      this.moveAway(files, imported);
    }
  }

  private moveAway(files: readonly string[], into: string): void {
    mkdirSync(into, { recursive: true });
    for (const file of files) if (existsSync(file)) renameSync(file, join(into, file.slice(this.legacyDir.length + 1)));
  }
}

/** Opens (creating or upgrading) the run database; shared by the run store and the key ledger. */
export function openDatabase(file: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { timeout: 5000 });
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    const applicationId = Number(db.prepare('PRAGMA application_id').get()?.['application_id'] ?? 0);
    const version = Number(db.prepare('PRAGMA user_version').get()?.['user_version'] ?? 0);
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()?.['n'];
    if (applicationId === 0 && Number(tables) > 0) throw new RunDatabaseError(file, 'an SQLite database of another program, not an Orchestra run database');
    if (applicationId !== 0 && applicationId !== APPLICATION_ID) throw new RunDatabaseError(file, 'an SQLite database of another program, not an Orchestra run database');
    if (version > SCHEMA_VERSION) throw new RunDatabaseError(file, `written by a newer Orchestra (schema ${version}; this one reads ${SCHEMA_VERSION}) — upgrade Orchestra`);
    // A damaged page would otherwise surface later as a 500 of the runs API or an "internal error" of
    // `orchestra logs`: checked once at open (quick_check reads every page, without the index checks).
    const check = String(db.prepare('PRAGMA quick_check(1)').get()?.['quick_check'] ?? 'ok');
    if (check !== 'ok') throw new RunDatabaseError(file, `damaged (SQLite: ${check.replace(/\s*\n\s*/g, '; ')})`);
    // Readers (the CLI, beside a running server) open an existing database without writing to it.
    if (applicationId !== APPLICATION_ID || version !== SCHEMA_VERSION) db.exec(`${SCHEMA} PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${SCHEMA_VERSION};`);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof RunDatabaseError) throw error;
    throw new RunDatabaseError(file, `not a usable run database (${messageOf(error)})`, { cause: error });
  }
}

const isConstraintError = (error: unknown): boolean => error instanceof Error && 'errcode' in error && (Number(error.errcode) & 0xff) === 19;

const linesOf = (file: string | undefined): string[] =>
  file !== undefined && existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];

function logEntryOf(text: string): LogEntry {
  // Written by appendLog from a LogEntry: its shape is ours.
  return JSON.parse(text);
}

/** A stored history event: an object with its id and type; its timestamp back to a Date. */
function historyEventOf(text: string, where: string): HistoryEvent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DamagedRunRecordError(where, 'not a JSON history event');
  }
  if (!isJsonRecord(json) || typeof json['id'] !== 'number' || typeof json['type'] !== 'string' || typeof json['timestamp'] !== 'string')
    throw new DamagedRunRecordError(where, 'a history event needs an id, a type and a timestamp');
  // Written by appendHistory from a HistoryEvent: its shape is ours; only the timestamp needs turning back into a Date.
  return { ...json, timestamp: new Date(json['timestamp']) } as HistoryEvent;
}
