/**
 * The keyed triggers' ledger in the run database (lib/local/runs/run-store.ts creates its tables): the same
 * conditional writes as the DynamoDB table in AWS — INSERT OR IGNORE and guarded UPDATEs, so the
 * first writer wins even across processes sharing the data folder.
 */
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Arrival, KeyLedger, KeyRecord, RunClaim } from '../../runtime/keyed/key-ledger';
import { openDatabase } from '../runs/run-store';

const text = (value: unknown): string => String(value);
const optionalText = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));

export class LocalKeyLedger implements KeyLedger {
  private readonly db: DatabaseSync;
  /** Prepared once each: preparing is most of a statement's cost, and a burst of notifications runs the same few. */
  private readonly statements = new Map<string, StatementSync>();

  constructor(dataDir: string) {
    this.db = openDatabase(join(dataDir, 'orchestra.db'));
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  close(): void {
    this.db.close();
  }

  async recordArrival(arrival: Arrival): Promise<string> {
    const { pipeline, key, type, objectKey, etag, at } = arrival;
    this.sql('INSERT OR IGNORE INTO keyed_keys (pipeline, key, first_seen) VALUES (?, ?, ?)').run(pipeline, key, at);
    this.sql('INSERT OR IGNORE INTO keyed_arrivals (pipeline, key, type, object_key, etag, at) VALUES (?, ?, ?, ?, ?, ?)').run(pipeline, key, type, objectKey, etag, at);
    return text(this.sql('SELECT first_seen FROM keyed_keys WHERE pipeline = ? AND key = ?').get(pipeline, key)?.['first_seen']);
  }

  async markReady(pipeline: string, key: string, at: string): Promise<string> {
    this.sql('INSERT OR IGNORE INTO keyed_keys (pipeline, key, first_seen) VALUES (?, ?, ?)').run(pipeline, key, at);
    this.sql('UPDATE keyed_keys SET ready_at = ? WHERE pipeline = ? AND key = ? AND ready_at IS NULL').run(at, pipeline, key);
    return text(this.sql('SELECT ready_at FROM keyed_keys WHERE pipeline = ? AND key = ?').get(pipeline, key)?.['ready_at']);
  }

  async claimRun(claim: RunClaim): Promise<{ readonly claim: RunClaim; readonly won: boolean }> {
    const { pipeline, key, version, runName, input, claimedAt } = claim;
    const inserted = this.sql('INSERT OR IGNORE INTO keyed_runs (pipeline, key, version, run_name, input, claimed_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      pipeline,
      key,
      version,
      runName,
      input,
      claimedAt,
    );
    const row = this.sql('SELECT run_name, input, claimed_at FROM keyed_runs WHERE pipeline = ? AND key = ? AND version = ?').get(pipeline, key, version);
    return {
      won: Number(inserted.changes) === 1,
      claim: { pipeline, key, version, runName: text(row?.['run_name']), input: text(row?.['input']), claimedAt: text(row?.['claimed_at']) },
    };
  }

  async expire(pipeline: string, key: string, at: string): Promise<boolean> {
    const updated = this.sql('UPDATE keyed_keys SET expired_at = ? WHERE pipeline = ? AND key = ? AND ready_at IS NULL AND expired_at IS NULL').run(at, pipeline, key);
    return Number(updated.changes) === 1;
  }

  async get(pipeline: string, key: string): Promise<KeyRecord | undefined> {
    const row = this.sql('SELECT first_seen, ready_at, expired_at FROM keyed_keys WHERE pipeline = ? AND key = ?').get(pipeline, key);
    if (row === undefined) return undefined;
    const arrivals = this.sql('SELECT type, object_key, etag, at FROM keyed_arrivals WHERE pipeline = ? AND key = ? ORDER BY at, object_key')
      .all(pipeline, key)
      .map((a) => ({ pipeline, key, type: text(a['type']), objectKey: text(a['object_key']), etag: text(a['etag']), at: text(a['at']) }));
    const claims = this.sql('SELECT version, run_name, input, claimed_at FROM keyed_runs WHERE pipeline = ? AND key = ? ORDER BY claimed_at')
      .all(pipeline, key)
      .map((c) => ({ pipeline, key, version: text(c['version']), runName: text(c['run_name']), input: text(c['input']), claimedAt: text(c['claimed_at']) }));
    return { pipeline, key, firstSeen: text(row['first_seen']), readyAt: optionalText(row['ready_at']), expiredAt: optionalText(row['expired_at']), arrivals, claims };
  }
}
