/**
 * The conductor: decides, for each data item that lands, whether a keyed pipeline's run starts for its
 * key. One decision module for AWS (functions/keyed-conductor, DynamoDB) and `orchestra up` (the run
 * database). Notifications arrive at least once, late, duplicated and in any order, so nothing here
 * trusts them: S3 is listed for what is present, the ledger's conditional writes fix one run name and
 * input per (pipeline, key, input-set version), and the run starts under that name, which Step
 * Functions accepts once.
 */
import { createHash } from 'node:crypto';
import { keyedNameStem, runNameOf } from '../../contract/run-key';
import type { RunInput } from '../../contract/step-event';
import type { ListedObject } from '../ingest';
import type { KeyLedger } from './key-ledger';
import { dataItemOf, itemFolder, type KeyedTrigger } from './keyed-trigger';

export type KeyedOutcome =
  | { readonly action: 'unrouted'; readonly objectKey: string; readonly reason: string }
  | { readonly action: 'wait'; readonly pipeline: string; readonly key: string; readonly missing: readonly string[] }
  | { readonly action: 'grace'; readonly pipeline: string; readonly key: string; readonly until: string }
  | { readonly action: 'start' | 'duplicate'; readonly pipeline: string; readonly key: string; readonly runName: string }
  /** Incomplete past its expiry; or complete only after it (`expiredAt`): not started then, a backfill runs it. */
  | { readonly action: 'expired'; readonly pipeline: string; readonly key: string; readonly missing: readonly string[]; readonly expiredAt?: string }
  /** The item answered a service step waiting for it: that step of run `runName` succeeded. */
  | { readonly action: 'completed'; readonly pipeline: string; readonly key: string; readonly runName: string; readonly step: string; readonly objectKey: string };

export interface ConductorDependencies {
  readonly triggers: () => readonly KeyedTrigger[];
  readonly bucket: string;
  readonly list: (prefix: string) => Promise<readonly ListedObject[]>;
  readonly ledger: KeyLedger;
  /** Calls `check(pipeline, key)` again at `at` (the end of a grace window, an expiry); idempotent per (pipeline, key, at). */
  readonly scheduleCheck: (pipeline: string, key: string, at: Date) => Promise<void>;
  /** Starts the named run with the input's JSON text; 'duplicate' when an execution of that name exists (Step Functions' name rule). */
  readonly startRun: (pipeline: string, runName: string, input: string) => Promise<'started' | 'duplicate'>;
  readonly now?: () => Date;
}

/** A run's input: its key and the manifest of every present input, so the run reads exactly what decided it. */
export interface KeyedRunInput extends RunInput {
  readonly source: 'keyed';
  readonly key: string;
  readonly inputs: Readonly<Record<string, ReadonlyArray<{ readonly key: string; readonly etag: string }>>>;
}

/** Step Functions execution names: at most 80 characters of letters, digits, "-" and "_". */
export function keyedRunName(pipeline: string, key: string, version: string): string {
  return runNameOf(keyedNameStem(key), createHash('sha256').update(`${pipeline}\n${key}\n${version}`).digest('hex'));
}

export function createConductor(dependencies: ConductorDependencies) {
  const { triggers, bucket, list, ledger, scheduleCheck, startRun } = dependencies;
  const now = dependencies.now ?? (() => new Date());

  async function presentTypes(trigger: KeyedTrigger, key: string): Promise<Map<string, ListedObject[]>> {
    const present = new Map<string, ListedObject[]>();
    for (const type of [...trigger.required, ...trigger.optional]) {
      const objects = [...(await list(itemFolder(trigger.dataPrefix, type, key)))].sort((a, b) => a.key.localeCompare(b.key));
      const complete = trigger.marker === undefined ? objects.length > 0 : objects.some((object) => object.key.endsWith(`/${trigger.marker}`));
      if (complete) present.set(type, objects);
    }
    return present;
  }

  /**
   * Decides for one key of one pipeline from what is in S3 now. `firstSeen`: when the key was first
   * seen, if the caller has it from recording an arrival; else it is read only when an expiry needs it.
   */
  async function check(trigger: KeyedTrigger, key: string, firstSeen?: string, backfill?: string): Promise<KeyedOutcome> {
    const { pipeline } = trigger;
    const at = now();
    const present = await presentTypes(trigger, key);
    const missing = trigger.required.filter((type) => !present.has(type));
    if (missing.length > 0) {
      const seen = trigger.expireAfterSeconds === undefined ? undefined : (firstSeen ?? (await ledger.get(pipeline, key))?.firstSeen);
      if (trigger.expireAfterSeconds !== undefined && seen !== undefined) {
        const expiresAt = new Date(Date.parse(seen) + trigger.expireAfterSeconds * 1000);
        if (at >= expiresAt) {
          if (await ledger.expire(pipeline, key, at.toISOString())) return { action: 'expired', pipeline, key, missing };
        } else await scheduleCheck(pipeline, key, expiresAt);
      }
      return { action: 'wait', pipeline, key, missing };
    }
    // An expiry is final for the triggers: a key completed after it was reported EXPIRED does not start
    // on its own (it started, and /keys said EXPIRED beside its run); a backfill asks for it and runs it.
    if (backfill === undefined && trigger.expireAfterSeconds !== undefined) {
      const record = await ledger.get(pipeline, key);
      if (record?.expiredAt !== undefined && record.readyAt === undefined) return { action: 'expired', pipeline, key, missing: [], expiredAt: record.expiredAt };
    }
    const readyAt = Date.parse(await ledger.markReady(pipeline, key, at.toISOString()));
    const graceEnds = new Date(readyAt + trigger.optionalGraceSeconds * 1000);
    if (at < graceEnds && trigger.optional.some((type) => !present.has(type))) {
      await scheduleCheck(pipeline, key, graceEnds);
      return { action: 'grace', pipeline, key, until: graceEnds.toISOString() };
    }
    const inputs = Object.fromEntries([...present].map(([type, objects]) => [type, objects.map((object) => ({ key: object.key, etag: object.etag ?? '' }))]));
    // "manual": one run when the inputs are first complete, and one more per backfill that asks.
    const version =
      trigger.reprocess === 'onNewVersion'
        ? createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16)
        : trigger.reprocess === 'manual' && backfill !== undefined
          ? `manual-${backfill}`
          : 'once';
    const input: KeyedRunInput = { source: 'keyed', bucket, key, inputs };
    const { claim, won } = await ledger.claimRun({
      pipeline,
      key,
      version,
      runName: keyedRunName(pipeline, key, version),
      input: JSON.stringify(input),
      claimedAt: at.toISOString(),
    });
    // Every delivery starts the claimed run: if an earlier one crashed after claiming, this one starts it;
    // otherwise Step Functions answers with the same execution (same name and input) or refuses the name.
    // Only the claim's winner reports "start" — also when a delivery that lost the claim started the run
    // first and it had ended already (the name refused): the claim's one run exists either way.
    await startRun(pipeline, claim.runName, claim.input);
    return { action: won ? 'start' : 'duplicate', pipeline, key, runName: claim.runName };
  }

  return {
    /** An object landed: one outcome per keyed pipeline its type feeds, or `unrouted` when it feeds none. */
    async onObject(objectKey: string, etag: string, createdAt?: string): Promise<KeyedOutcome[]> {
      // A key's expiry counts from when its first item landed in S3, not from when a backlog let it be decided.
      const created = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
      const arrivedAt = new Date(Number.isNaN(created) ? now().getTime() : Math.min(created, now().getTime())).toISOString();
      const outcomes: KeyedOutcome[] = [];
      const known = new Set<string>();
      for (const trigger of triggers()) {
        const item = dataItemOf(trigger.dataPrefix, objectKey);
        if (item === undefined) continue;
        for (const type of [...trigger.required, ...trigger.optional]) known.add(type);
        if (!trigger.required.includes(item.type) && !trigger.optional.includes(item.type)) continue;
        const firstSeen = await ledger.recordArrival({ pipeline: trigger.pipeline, key: item.key, type: item.type, objectKey, etag, at: arrivedAt });
        outcomes.push(await check(trigger, item.key, firstSeen));
      }
      if (outcomes.length > 0) return outcomes;
      const reason =
        known.size === 0
          ? 'not a data item of any keyed pipeline (expected <dataPrefix><type>/<key>/<file>)'
          : `no keyed pipeline requires or accepts this data type (known types: ${[...known].sort().join(', ')})`;
      return [{ action: 'unrouted', objectKey, reason }];
    },
    /** Decides again for a key (a grace window ended, an expiry fell due, a backfill — named, so "manual" pipelines run again). */
    async check(pipeline: string, key: string, backfill?: string): Promise<KeyedOutcome> {
      const trigger = triggers().find((candidate) => candidate.pipeline === pipeline);
      if (trigger === undefined) return { action: 'unrouted', objectKey: `${pipeline}/${key}`, reason: `no keyed pipeline "${pipeline}"` };
      return check(trigger, key, undefined, backfill);
    },
  };
}

export type Conductor = ReturnType<typeof createConductor>;
