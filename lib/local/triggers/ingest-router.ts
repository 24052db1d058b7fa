/**
 * Routes each object the embedded S3 stores to the pipelines whose ingest prefix it falls under, as
 * the deployed EventBridge rules do, and hands the "Object Created" event to the deployed upload
 * trigger (functions/ingest-trigger) of each, which decides and starts the run through the local
 * Step Functions endpoint. Every decision is reported, never dropped: start, wait, duplicate or reject.
 */
import type { IngestOutcome } from '../../../functions/ingest-trigger';
import type { PipelineSource } from '../../catalogue';
import { ingestTriggerOf } from '../../runtime/ingest';
import { type ObjectCreated, type ObjectCreatedEventBridgeEvent, objectCreatedFrom } from '../../runtime/upload-events';
import { messageOf } from '../../shared/errors';
import { Semaphore } from '../engine/semaphore';
import type { RuntimeEvent, RuntimeEvents } from '../runs/runtime-events';

/** Calls a pipeline's upload trigger with one event. */
export type IngestTriggerCall = (pipeline: PipelineSource, event: ObjectCreatedEventBridgeEvent) => Promise<IngestOutcome>;

/**
 * Upload decisions (and the keyed conductor's) running at once in `orchestra up`: each lists S3, and a
 * replay at start routes every stored object together — unbounded, 100,000 objects would open 100,000
 * listings at once.
 */
export const MAX_CONCURRENT_DECISIONS = 16;

export class IngestRouter {
  private readonly pending = new Set<Promise<void>>();
  private readonly decisions = new Semaphore(MAX_CONCURRENT_DECISIONS);

  constructor(
    private readonly pipelines: () => readonly PipelineSource[],
    private readonly trigger: IngestTriggerCall,
    private readonly events: RuntimeEvents,
    private readonly listKeys: (prefix: string) => Promise<ReadonlyArray<{ key: string; etag?: string }>>,
  ) {}

  /** Handles the event in the background; `settle()` waits for it. */
  route(event: ObjectCreatedEventBridgeEvent, replayed = false): void {
    const work = this.decisions.use(() => this.decide(event, replayed));
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /**
   * Decides again on every object under the pipelines' ingest prefixes, for uploads stored while no
   * runtime ran (a crash between storing and deciding). Run names come from the data, so an object
   * that already started its run is a duplicate and starts nothing.
   */
  async replayStored(bucket: string): Promise<void> {
    // Each object once, even under prefixes of several pipelines: deciding already covers every pipeline it falls under.
    const stored = new Map<string, string | undefined>();
    const prefixes = new Set(this.pipelines().flatMap((pipeline) => ingestTriggerOf(pipeline.name, pipeline.graph.trigger)?.ingestPrefix ?? []));
    for (const prefix of prefixes) for (const { key, etag } of await this.listKeys(prefix)) stored.set(key, etag);
    for (const [key, etag] of stored) {
      this.route({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: bucket }, object: { key, ...(etag === undefined ? {} : { etag }) } } }, true);
    }
    await this.settle();
  }

  /** Resolves once every upload seen so far has been decided on (runs may still be going). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** s3rver's copy events carry no ETag (S3's do): read it, so a copy onto itself is known for what it is. */
  private async withEtag(object: ObjectCreated): Promise<ObjectCreated> {
    if (object.etag !== undefined && object.etag !== '') return object;
    const stored = (await this.listKeys(object.key)).find((listed) => listed.key === object.key);
    return stored?.etag === undefined ? object : { ...object, etag: stored.etag };
  }

  private async decide(event: ObjectCreatedEventBridgeEvent, replayed: boolean): Promise<void> {
    const object = await this.withEtag(objectCreatedFrom(event));
    const withEtag: ObjectCreatedEventBridgeEvent = {
      ...event,
      detail: { ...event.detail, object: { ...event.detail.object, ...(object.etag === undefined ? {} : { etag: object.etag }) } },
    };
    for (const pipeline of this.pipelines()) {
      const ingest = ingestTriggerOf(pipeline.name, pipeline.graph.trigger);
      if (ingest === undefined || !object.key.startsWith(ingest.ingestPrefix)) continue;
      let decision: RuntimeEvent & { type: 'ingest' };
      try {
        decision = { type: 'ingest', pipeline: pipeline.name, key: object.key, decision: decisionOf(await this.trigger(pipeline, withEtag)) };
      } catch (error) {
        decision = { type: 'ingest', pipeline: pipeline.name, key: object.key, decision: { action: 'reject', reason: `cannot start a run: ${messageOf(error)}` } };
      }
      this.events.emit(replayed ? { ...decision, replayed } : decision);
    }
  }
}

function decisionOf(outcome: IngestOutcome): IngestEventDecision {
  switch (outcome.action) {
    case 'start':
    case 'duplicate':
      return { action: outcome.action, runName: outcome.runName ?? '' };
    case 'wait':
    case 'reject':
      return { action: outcome.action, reason: outcome.reason ?? '' };
  }
}

export type IngestEventDecision = { readonly action: 'start' | 'duplicate'; readonly runName: string } | { readonly action: 'wait' | 'reject'; readonly reason: string };
