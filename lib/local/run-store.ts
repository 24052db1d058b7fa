/**
 * Run records and logs on disk under <dataDir>/runs, so stopping the local server loses nothing:
 * <run id>.json holds the record (rewritten atomically), <run id>.log one JSON line per log entry,
 * <run id>.history one JSON line per Step Functions history event.
 * Creating a record is exclusive (`wx`), which is what makes a run name usable only once, like a
 * Step Functions execution name.
 */
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, type WriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { ERRORS } from '../contract/errors';
import { OrchestraError } from '../shared/errors';
import { isJsonRecord } from '../shared/json';
import { isAlive } from './data-dir-lock';
import { DamagedRunRecordError, parseRunRecord, type RunRecord, TERMINAL_RUN_STATUSES } from './run-record';

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
  constructor(runId: string, dir: string) {
    super('run-not-found', `no run "${runId}" in ${dir} — list runs with \`orchestra runs\``);
  }
}

export class RunStore {
  readonly dir: string;
  private readonly logs = new Map<string, WriteStream>();
  private readonly histories = new Map<string, WriteStream>();
  private readonly pendingSaves = new Map<string, { record: RunRecord; timer: NodeJS.Timeout }>();

  /** How long step updates may wait before reaching the disk (the run's start and end are written at once). */
  static readonly SAVE_DELAY_MS = 100;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'runs');
    mkdirSync(this.dir, { recursive: true });
  }

  private recordFile = (runId: string) => join(this.dir, `${runId}.json`);
  private logFile = (runId: string): string => join(this.dir, `${runId}.log`);
  private historyFile = (runId: string): string => join(this.dir, `${runId}.history`);

  /** Throws RunAlreadyExistsError when the name was used before, by this process or an earlier one. */
  create(record: RunRecord): void {
    try {
      writeFileSync(this.recordFile(record.runId), JSON.stringify(record, null, 2), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new RunAlreadyExistsError(record.runId);
      throw error;
    }
  }

  /**
   * Writes within SAVE_DELAY_MS, coalescing the updates in between: a step change would otherwise
   * cost a synchronous write and rename, several per step, and dominate the runtime's overhead.
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
    const file = this.recordFile(record.runId);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(record, null, 2));
    renameSync(temporary, file);
  }

  get(runId: string): RunRecord {
    const file = this.recordFile(runId);
    if (!/^[A-Za-z0-9_-]+$/.test(runId) || !existsSync(file)) throw new RunNotFoundError(runId, this.dir);
    return parseRunRecord(readFileSync(file, 'utf8'), file);
  }

  /** Every record, newest first, and the files that could not be read (each with its reason). */
  scan(): { readonly runs: RunRecord[]; readonly damaged: DamagedRunRecordError[] } {
    const runs: RunRecord[] = [];
    const damaged: DamagedRunRecordError[] = [];
    for (const name of readdirSync(this.dir).filter((entry) => entry.endsWith('.json'))) {
      const file = join(this.dir, name);
      try {
        runs.push(parseRunRecord(readFileSync(file, 'utf8'), file));
      } catch (error) {
        if (!(error instanceof DamagedRunRecordError)) throw error;
        damaged.push(error);
      }
    }
    runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.runId.localeCompare(b.runId));
    return { runs, damaged };
  }

  /** Newest first; damaged files are left out (see scan). */
  list(): RunRecord[] {
    return this.scan().runs;
  }

  appendLog(runId: string, entry: LogEntry): void {
    let stream = this.logs.get(runId);
    if (stream === undefined) {
      stream = createWriteStream(this.logFile(runId), { flags: 'a' });
      this.logs.set(runId, stream);
    }
    stream.write(`${JSON.stringify(entry)}\n`);
  }

  async closeLog(runId: string): Promise<void> {
    await Promise.all([this.logs, this.histories].map((streams) => endStream(streams, runId)));
  }

  appendHistory(runId: string, event: HistoryEvent): void {
    let stream = this.histories.get(runId);
    if (stream === undefined) {
      stream = createWriteStream(this.historyFile(runId), { flags: 'a' });
      this.histories.set(runId, stream);
    }
    stream.write(`${JSON.stringify(event)}\n`);
  }

  /** The run's Step Functions history, oldest first (events still being written may be missing). */
  readHistory(runId: string): HistoryEvent[] {
    this.get(runId);
    const file = this.historyFile(runId);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line, index) => historyEventOf(line, `${file}:${index + 1}`));
  }

  readLog(runId: string): LogEntry[] {
    this.get(runId);
    const file = this.logFile(runId);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogEntry);
  }

  /**
   * Runs left RUNNING by a process that is gone (crash, Ctrl-C) are marked ABORTED with the reason,
   * never left looking alive and never dropped. Returns their ids.
   */
  markInterrupted(now = new Date()): { readonly interrupted: string[]; readonly damaged: DamagedRunRecordError[] } {
    const interrupted: string[] = [];
    const { runs, damaged } = this.scan();
    for (const record of runs) {
      if (TERMINAL_RUN_STATUSES.has(record.status) || isAlive(record.ownerPid)) continue;
      const cause = `the local runtime (pid ${record.ownerPid}) stopped while this run was running`;
      record.status = 'ABORTED';
      record.stoppedAt = now.toISOString();
      record.error = { error: ERRORS.interrupted, cause };
      for (const step of Object.values(record.steps)) {
        if (step.status === 'RUNNING' || step.status === 'RETRYING') Object.assign(step, { status: 'ABORTED', stoppedAt: record.stoppedAt, error: record.error });
      }
      this.save(record);
      interrupted.push(record.runId);
    }
    return { interrupted, damaged };
  }

  async close(): Promise<void> {
    for (const { record } of [...this.pendingSaves.values()]) this.save(record);
    await Promise.all([...new Set([...this.logs.keys(), ...this.histories.keys()])].map((id) => this.closeLog(id)));
  }
}

async function endStream(streams: Map<string, WriteStream>, runId: string): Promise<void> {
  const stream = streams.get(runId);
  if (stream === undefined) return;
  streams.delete(runId);
  await new Promise<void>((resolve) => stream.end(resolve));
}

/** A stored history line: an object with its id and type; its timestamp back to a Date. */
function historyEventOf(line: string, where: string): HistoryEvent {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new DamagedRunRecordError(where, 'not a JSON history event');
  }
  if (!isJsonRecord(json) || typeof json['id'] !== 'number' || typeof json['type'] !== 'string' || typeof json['timestamp'] !== 'string')
    throw new DamagedRunRecordError(where, 'a history event needs an id, a type and a timestamp');
  // Written by appendHistory from a HistoryEvent: its shape is ours; only the timestamp needs turning back into a Date.
  return { ...json, timestamp: new Date(json['timestamp']) } as HistoryEvent;
}
