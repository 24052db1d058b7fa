/**
 * Drives the deployed conductor (functions/keyed-conductor) inside `orchestra up`: objects the embedded
 * S3 stores under a keyed pipeline's data prefix go to it, as the deployed EventBridge rule sends them;
 * its ledger is the run database and its scheduler a timer per (pipeline, key, time), as EventBridge
 * Scheduler is in AWS. Every outcome is reported as a runtime event, unrouted objects included.
 */

import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { createKeyedConductor } from '../../../functions/keyed-conductor';
import type { PipelineSource } from '../../catalogue';
import { BACKFILLS_PREFIX } from '../../contract/step-event';
import { backfillIdOf, readBackfill } from '../../runtime/keyed/backfill';
import { awaitedItemsOf, type KeyedTrigger, keyedTriggerOf } from '../../runtime/keyed/keyed-trigger';
import type { ObjectListing } from '../../runtime/s3-list';
import type { ObjectCreatedEventBridgeEvent } from '../../runtime/upload-events';
import { messageOf } from '../../shared/errors';
import { type LongTimeout, setLongTimeout } from '../../shared/long-timeout';
import { localStateMachineArn } from '../engine/bindings';
import { Semaphore } from '../engine/semaphore';
import type { RuntimeEvents } from '../runs/runtime-events';
import { MAX_CONCURRENT_DECISIONS } from './ingest-router';
import { LocalKeyLedger } from './key-ledger';

/** How long a backfill works before handing over to its next slice (Lambda hands over near its timeout). */
const BACKFILL_SLICE_MS = 2000;

export interface KeyedRouterOptions {
  readonly dataDir: string;
  readonly bucket: string;
  readonly s3: S3Client;
  /** What the bucket holds: the embedded S3's index, for the conductor's decisions and the replay at start. */
  readonly listing: ObjectListing;
  readonly sfn: () => SFNClient;
  readonly pipelines: () => readonly PipelineSource[];
  readonly events: RuntimeEvents;
}

export const keyedTriggersOf = (pipelines: readonly PipelineSource[]): KeyedTrigger[] =>
  pipelines.flatMap((pipeline) => keyedTriggerOf(pipeline.name, pipeline.graph.trigger) ?? []);

export class KeyedRouter {
  /** The run database's key ledger: the conductor writes it; the runs API reads it for `GET /keys/{key}`. */
  readonly ledger: LocalKeyLedger;
  private readonly timers = new Map<string, LongTimeout>();
  private readonly pending = new Set<Promise<void>>();
  /** Decisions at once, as for uploads: each lists S3 and writes the ledger. */
  private readonly decisions = new Semaphore(MAX_CONCURRENT_DECISIONS);
  private conductorInstance: ReturnType<typeof createKeyedConductor> | undefined;
  private stopped = false;

  constructor(private readonly options: KeyedRouterOptions) {
    this.ledger = new LocalKeyLedger(options.dataDir);
  }

  /** Built at first use: the local Step Functions endpoint starts after the runtime is constructed. */
  private get conductor(): ReturnType<typeof createKeyedConductor> {
    const options = this.options;
    this.conductorInstance ??= createKeyedConductor({
      s3: options.s3,
      listing: options.listing,
      sfn: options.sfn(),
      ledger: this.ledger,
      scheduleCheck: async (pipeline, key, at) => this.schedule(pipeline, key, at),
      configuration: () => {
        const pipelines = options.pipelines();
        return { triggers: keyedTriggersOf(pipelines), awaited: pipelines.flatMap((pipeline) => awaitedItemsOf(pipeline.graph)), stateMachineArnOf: localStateMachineArn };
      },
      logger: { info: () => undefined, warn: () => undefined },
      // As on AWS, a backfill works in slices that hand over to the next: stopping waits for one slice,
      // not the whole backfill, and what is left stays RUNNING in its record, resumed at the next start.
      continueBackfill: async (id) => this.startBackfill(id),
    });
    return this.conductorInstance;
  }

  /** Whether any keyed pipeline watches the object's key. */
  private watches(objectKey: string): boolean {
    return keyedTriggersOf(this.options.pipelines()).some((trigger) => objectKey.startsWith(trigger.dataPrefix));
  }

  route(event: ObjectCreatedEventBridgeEvent, replayed = false): void {
    if (this.stopped || !this.watches(event.detail.object.key)) return;
    this.track(this.decide(event, replayed));
  }

  /** Decides again on every stored data item (at start: items stored while no runtime ran, grace windows that ended meanwhile). */
  async replayStored(): Promise<void> {
    await this.resumeBackfills();
    const prefixes = new Set(keyedTriggersOf(this.options.pipelines()).map((trigger) => trigger.dataPrefix));
    for (const prefix of prefixes) {
      for (const { key, etag } of await this.options.listing.list(this.options.bucket, prefix)) {
        this.route(
          { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: this.options.bucket }, object: { key, ...(etag === undefined ? {} : { etag }) } } },
          true,
        );
      }
    }
    await this.settle();
  }

  /**
   * Works a planned backfill (`backfills/<id>.json`) to its end, at its rate, in the background. Not
   * one of the bounded decisions: a backfill lasts minutes to hours, and holding a slot that long
   * would starve the notifications that arrive meanwhile (its own decisions are one at a time).
   */
  startBackfill(id: string): void {
    if (!this.stopped) this.track(this.decide({ backfill: { id }, bucket: this.options.bucket }, false, { bounded: false, deadline: Date.now() + BACKFILL_SLICE_MS }));
  }

  /** Goes on with every backfill its record says is RUNNING: one the last process was working when it stopped or died. */
  private async resumeBackfills(): Promise<void> {
    for (const { key } of await this.options.listing.list(this.options.bucket, BACKFILLS_PREFIX)) {
      const id = backfillIdOf(key);
      const record = id === undefined ? undefined : await readBackfill(this.options.s3, this.options.bucket, id).catch(() => undefined);
      if (id !== undefined && record?.status === 'RUNNING') this.startBackfill(id);
    }
  }

  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** The ledger's record of a key, per keyed pipeline (for the keys API and `orchestra keys`). */
  async recordsOf(key: string) {
    const records = [];
    for (const trigger of keyedTriggersOf(this.options.pipelines())) {
      const record = await this.ledger.get(trigger.pipeline, key);
      if (record !== undefined) records.push(record);
    }
    return records;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    await this.settle().catch(() => undefined);
    this.ledger.close();
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async decide(event: unknown, replayed: boolean, { bounded, deadline }: { bounded: boolean; deadline?: number } = { bounded: true }): Promise<void> {
    const options = deadline === undefined ? {} : { deadline };
    try {
      for (const outcome of await (bounded ? this.decisions.use(() => this.conductor(event, options)) : this.conductor(event, options)))
        this.options.events.emit(replayed ? { type: 'keyed', outcome, replayed } : { type: 'keyed', outcome });
    } catch (error) {
      const objectKey = typeof event === 'object' && event !== null && 'detail' in event ? JSON.stringify(event.detail) : JSON.stringify(event);
      this.options.events.emit({ type: 'keyed', outcome: { action: 'unrouted', objectKey, reason: `the conductor failed: ${messageOf(error)}` } });
    }
  }

  /** One timer per (pipeline, key, time), as one schedule per name in AWS. */
  private schedule(pipeline: string, key: string, at: Date): void {
    const id = `${pipeline}\n${key}\n${at.toISOString()}`;
    if (this.stopped || this.timers.has(id)) return;
    // Expiries may be weeks away: beyond Node's longest timer, a plain setTimeout would fire at once.
    const timer = setLongTimeout(() => {
      this.timers.delete(id);
      if (!this.stopped) this.track(this.decide({ check: { pipeline, key }, bucket: this.options.bucket }, false));
    }, at);
    this.timers.set(id, timer);
  }
}
