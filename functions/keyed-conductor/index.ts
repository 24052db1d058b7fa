/**
 * The conductor: EventBridge "Object Created" events under the keyed pipelines' data prefixes, and
 * the scheduled checks of grace windows and expiries, arrive here; the shared decision module
 * (lib/runtime/keyed/conductor.ts) decides over the DynamoDB ledger and starts runs through Step
 * Functions. The same function serves `orchestra up` with the run database as its ledger and timers
 * as its scheduler (lib/local/triggers/keyed-router.ts).
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { ACTIVITY_DETAIL_TYPE, ACTIVITY_EVENT_SOURCE, type ActivityEvent } from '../../lib/contract/activity';
import { AWAITED_ITEMS_SETTING, bundledSetting, KEYED_TRIGGERS_SETTING } from '../../lib/contract/bundled-config';
import { FUNCTION_ENV, requiredVariable } from '../../lib/contract/environment';
import { ConfigurationError } from '../../lib/contract/errors';
import { deployedStateMachineName } from '../../lib/contract/resource-names';
import { processBackfill } from '../../lib/runtime/keyed/backfill';
import { createConductor, type KeyedOutcome } from '../../lib/runtime/keyed/conductor';
import { DynamoDbKeyLedger } from '../../lib/runtime/keyed/dynamodb-ledger';
import { activityOfStatusChange, isExecutionStatusChange } from '../../lib/runtime/keyed/execution-status';
import type { KeyLedger } from '../../lib/runtime/keyed/key-ledger';
import { type AwaitedItem, dataItemOf, itemFolder, type KeyedTrigger, parseAwaitedItems, parseKeyedTriggers } from '../../lib/runtime/keyed/keyed-trigger';
import { backfillRequestOf, checkRequestOf, createBackfillContinuation, createScheduledCheck } from '../../lib/runtime/keyed/scheduled-check';
import { createS3Client } from '../../lib/runtime/s3-client';
import { type ObjectListing, s3ObjectListing } from '../../lib/runtime/s3-list';
import { completeItemWaits, type WaitStore } from '../../lib/runtime/service-waits';
import { objectCreatedFrom, parseObjectCreatedEvent, resolveEventKey } from '../../lib/runtime/upload-events';
import { isJsonRecord } from '../../lib/shared/json';

export interface KeyedConductorDependencies {
  readonly s3: S3Client;
  /** What is in the bucket. @default S3's own listing (`orchestra up` answers from the embedded S3's index) */
  readonly listing?: ObjectListing;
  readonly sfn: SFNClient;
  readonly ledger: KeyLedger;
  /** Asks for a check of (pipeline, key) at a time (EventBridge Scheduler in AWS, a timer locally). */
  readonly scheduleCheck: (pipeline: string, key: string, at: Date) => Promise<void>;
  /** Read per call: the keyed triggers, the items service steps await, and where each pipeline's state machine is. */
  readonly configuration: () => {
    readonly triggers: readonly KeyedTrigger[];
    readonly awaited: readonly AwaitedItem[];
    readonly stateMachineArnOf: (pipeline: string) => string;
  };
  /** Goes on with a backfill in a later invocation (AWS: a schedule); undefined where one invocation may run to the end. */
  readonly continueBackfill?: (id: string, done: number, now: Date) => Promise<void>;
  /** Puts activity events where services follow them (AWS: the default EventBridge bus); locally the runtime streams its own. */
  readonly emit?: (events: readonly ActivityEvent[]) => Promise<void>;
  /** Where decisions are logged. @default Powertools' JSON logger */
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
  readonly now?: () => Date;
}

export function createKeyedConductor({
  s3,
  listing = s3ObjectListing(s3),
  sfn,
  ledger,
  scheduleCheck,
  configuration,
  logger = new Logger({ serviceName: 'orchestra-conductor' }),
  now,
  continueBackfill,
  emit,
}: KeyedConductorDependencies) {
  /**
   * A malformed event throws (naming its wrong fields): after EventBridge's retries it lands in the dead-letter queue, which raises an alarm.
   * `deadline` (epoch ms): when a backfill must hand over to the next invocation.
   */
  return async (event: unknown, options: { readonly deadline?: number } = {}): Promise<KeyedOutcome[]> => {
    if (isExecutionStatusChange(event)) {
      const { triggers, stateMachineArnOf } = configuration();
      const activity = activityOfStatusChange(event, (arn) => triggers.find((trigger) => stateMachineArnOf(trigger.pipeline) === arn)?.pipeline);
      if (activity !== undefined) await emit?.([activity]);
      return [];
    }
    const { triggers, awaited, stateMachineArnOf } = configuration();
    const check = checkRequestOf(event);
    const backfill = backfillRequestOf(event);
    const received = check === undefined && backfill === undefined ? objectCreatedFrom(parseObjectCreatedEvent(event)) : undefined;
    const object = received === undefined ? undefined : await resolveEventKey(received, (key) => listing.exists(received.bucket, key));
    const bucket = object?.bucket ?? bucketOf(event);
    const conductor = createConductor({
      triggers: () => triggers,
      bucket,
      list: (prefix) => listing.list(bucket, prefix),
      ledger,
      scheduleCheck,
      startRun: async (pipeline, runName, input) => {
        try {
          await sfn.send(new StartExecutionCommand({ stateMachineArn: stateMachineArnOf(pipeline), name: runName, input }));
          return 'started';
        } catch (error) {
          if (error instanceof ExecutionAlreadyExists) return 'duplicate';
          throw error;
        }
      },
      ...(now === undefined ? {} : { now }),
    });
    if (backfill !== undefined) {
      const { id } = backfill;
      const deadline = continueBackfill === undefined ? undefined : options.deadline;
      const { status, done } = await processBackfill({
        s3,
        bucket,
        id,
        check: (pipeline, key) => conductor.check(pipeline, key, id),
        ...(deadline === undefined ? {} : { deadline }),
      });
      if (status === 'unknown') logger.warn('keyed: backfill not found', { id });
      if (status === 'more') await continueBackfill?.(id, done, new Date());
      return [];
    }
    let outcomes =
      object !== undefined ? await conductor.onObject(object.key, object.etag ?? '', object.time) : check !== undefined ? [await conductor.check(check.pipeline, check.key)] : [];
    if (object !== undefined) {
      const completed = await completeAwaitingSteps({ s3, sfn, bucket }, awaited, object.key, object.etag ?? '');
      // An item that answered a service step was taken, even if no keyed pipeline needs it.
      if (completed.length > 0) outcomes = [...outcomes.filter((outcome) => outcome.action !== 'unrouted'), ...completed];
    }
    // Unrouted objects and expiries are warnings with their reason: nothing is dropped without a trace.
    for (const outcome of outcomes) logger[outcome.action === 'unrouted' || outcome.action === 'expired' ? 'warn' : 'info'](`keyed: ${outcome.action}`, { ...outcome });
    // Runs report their start and end through Step Functions' own events (above); an expiry only the conductor sees.
    const time = (now?.() ?? new Date()).toISOString();
    const expired = outcomes.flatMap((outcome): ActivityEvent[] =>
      outcome.action === 'expired' ? [{ type: 'expired', pipeline: outcome.pipeline, key: outcome.key, missing: outcome.missing, time }] : [],
    );
    if (expired.length > 0) await emit?.(expired);
    return outcomes;
  };
}

/** Service steps waiting for the item this object belongs to succeed with it. */
async function completeAwaitingSteps(store: WaitStore, awaited: readonly AwaitedItem[], objectKey: string, etag: string): Promise<KeyedOutcome[]> {
  const outcomes: KeyedOutcome[] = [];
  const folders = new Set<string>();
  for (const { dataPrefix, type } of awaited) {
    const item = dataItemOf(dataPrefix, objectKey);
    if (item === undefined || item.type !== type) continue;
    const folder = itemFolder(dataPrefix, item.type, item.key);
    if (folders.has(folder)) continue;
    folders.add(folder);
    for (const wait of await completeItemWaits(store, folder, { key: objectKey, etag, uri: `s3://${store.bucket}/${objectKey}` }))
      outcomes.push({ action: 'completed', pipeline: wait.pipeline, key: item.key, runName: wait.runId, step: wait.step, objectKey });
  }
  return outcomes;
}

/** A scheduled check names no bucket; the conductor reads its own from DATA_BUCKET (and the local runtime passes it). */
function bucketOf(event: unknown): string {
  if (isJsonRecord(event) && typeof event['bucket'] === 'string') return event['bucket'];
  return requiredVariable('DATA_BUCKET', 'the stack');
}

/**
 * The keyed triggers, written beside the bundle by the stack (lib/cdk/keyed-conductor.ts): a product
 * graph's dozens of triggers have no room in Lambda's 4 KB of environment.
 */
const bundledTriggers = (): KeyedTrigger[] => {
  const triggers = bundledSetting(KEYED_TRIGGERS_SETTING);
  if (triggers === undefined) throw new ConfigurationError(`the conductor was deployed without its keyed triggers (${KEYED_TRIGGERS_SETTING}): deploy it with the stack`);
  return parseKeyedTriggers(triggers);
};

/** The data items service steps await, written beside the triggers. */
const bundledAwaitedItems = (): AwaitedItem[] => {
  const items = bundledSetting(AWAITED_ITEMS_SETTING);
  return items === undefined ? [] : parseAwaitedItems(items);
};

/** PutEvents takes at most 10 entries; a failed entry throws, so EventBridge delivers the triggering event again. */
export function eventBridgeEmitter(client: Pick<EventBridgeClient, 'send'>) {
  return async (events: readonly ActivityEvent[]): Promise<void> => {
    for (let at = 0; at < events.length; at += 10) {
      const entries = events.slice(at, at + 10).map((event) => ({ Source: ACTIVITY_EVENT_SOURCE, DetailType: ACTIVITY_DETAIL_TYPE, Detail: JSON.stringify(event) }));
      const answer = await client.send(new PutEventsCommand({ Entries: entries }));
      const failed = (answer.Entries ?? []).filter((entry) => entry.ErrorCode !== undefined);
      if ((answer.FailedEntryCount ?? 0) > 0)
        throw new Error(`EventBridge refused ${answer.FailedEntryCount} activity event(s): ${failed.map((entry) => `${entry.ErrorCode}: ${entry.ErrorMessage}`).join('; ')}`);
    }
  };
}

let deployed: ReturnType<typeof createKeyedConductor> | undefined;
const scheduler = new SchedulerClient({});
/** Schedules invoke the function that created them: its own ARN, from the invocation (its environment cannot name it without a cycle). */
let ownArn = '';

/** Built at the first event, so a missing variable is a clear ConfigurationError there rather than a failed cold start. */
/** Leaves a backfill this long to write its progress and schedule the rest before Lambda's timeout. */
const BACKFILL_HANDOVER_MS = 10_000;

export const handler = (event: unknown, context: Pick<Context, 'invokedFunctionArn' | 'getRemainingTimeInMillis'>): Promise<KeyedOutcome[]> => {
  ownArn = context.invokedFunctionArn;
  const schedules = () => ({
    groupName: requiredVariable('SCHEDULE_GROUP', 'the stack'),
    roleArn: requiredVariable('SCHEDULER_ROLE_ARN', 'the stack'),
    targetArn: ownArn,
  });
  deployed ??= createKeyedConductor({
    s3: createS3Client(),
    sfn: new SFNClient({}),
    ledger: new DynamoDbKeyLedger(new DynamoDBClient({}), requiredVariable('KEY_TABLE', 'the stack')),
    scheduleCheck: createScheduledCheck(scheduler, schedules),
    continueBackfill: createBackfillContinuation(scheduler, schedules),
    emit: eventBridgeEmitter(new EventBridgeClient({})),
    configuration: () => ({
      triggers: bundledTriggers(),
      awaited: bundledAwaitedItems(),
      // The stack names every state machine <stack>-<pipeline>: one prefix and the stack's name find them all.
      stateMachineArnOf: (pipeline) =>
        `${requiredVariable(FUNCTION_ENV.stateMachineArnPrefix, 'the stack')}${deployedStateMachineName(requiredVariable(FUNCTION_ENV.stackName, 'the stack'), pipeline)}`,
    }),
  });
  return deployed(event, { deadline: Date.now() + context.getRemainingTimeInMillis() - BACKFILL_HANDOVER_MS });
};
