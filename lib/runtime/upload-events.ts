/**
 * "An object was created" in the three shapes it arrives in: S3 notification records (the embedded
 * S3 and classic S3 notifications), EventBridge "Object Created" events (what the deployed stack
 * receives), and the normalised form the ingest logic works on. Both outside shapes are checked with
 * zod/mini schemas of the fields we read: Powertools' parser would check the same, but its schemas
 * need full zod, measured at 455 KB bundled, 16× the ingest trigger's whole bundle.
 */
import * as z from 'zod/mini';
import { OrchestraError } from '../shared/errors';

export interface ObjectCreated {
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
  readonly etag?: string;
  /** S3's per-key ordering token; with the etag it tells a re-delivery from a new upload. */
  readonly sequencer?: string;
  /** When S3 says the object was created (ISO 8601): a backlog delays its decision, not its arrival. */
  readonly time?: string;
}

const objectFields = { size: z.optional(z.number()), sequencer: z.optional(z.string()) };

const eventBridgeSchema = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  time: z.optional(z.string()),
  detail: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({ key: z.string(), etag: z.optional(z.string()), ...objectFields }),
    reason: z.optional(z.string()),
  }),
});

const notificationSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      eventTime: z.optional(z.string()),
      s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string(), eTag: z.optional(z.string()), ...objectFields }) }),
    }),
  ),
});

/** The EventBridge event S3 sends when "EventBridge notifications" are on for a bucket (the fields we read). */
export type ObjectCreatedEventBridgeEvent = z.infer<typeof eventBridgeSchema>;
export type S3NotificationRecord = z.infer<typeof notificationSchema>['Records'][number];

/** An event that is not the shape S3 sends: names each field that is wrong. */
export class UploadEventError extends OrchestraError {
  override readonly name = 'UploadEventError';
  constructor(what: string, issues: readonly z.core.$ZodIssue[]) {
    super('upload-event', `not ${what}: ${issues.map((issue) => `${['$', ...issue.path.map(String)].join('.')}: ${issue.message}`).join('; ')}`);
  }
}

/** Checks an event claiming to be EventBridge's "Object Created" (the deployed trigger's input). */
export function parseObjectCreatedEvent(event: unknown): ObjectCreatedEventBridgeEvent {
  const parsed = eventBridgeSchema.safeParse(event);
  if (!parsed.success) throw new UploadEventError('an EventBridge "Object Created" event from S3', parsed.error.issues);
  return parsed.data;
}

/** Checks an S3 notification (what the embedded S3 emits) and returns its records. */
export function parseS3Notification(notification: unknown): S3NotificationRecord[] {
  const parsed = notificationSchema.safeParse(notification);
  if (!parsed.success) throw new UploadEventError('an S3 event notification', parsed.error.issues);
  return parsed.data.Records;
}

/**
 * Translates the embedded S3's notification records into the EventBridge events the cloud trigger
 * receives; removals are dropped. s3rver puts the key in its records as stored, not URL-encoded as S3's
 * own notifications do, so it is passed on unchanged (decoding it turned "a+b" into "a b").
 */
export function toEventBridgeEvents(records: readonly S3NotificationRecord[]): ObjectCreatedEventBridgeEvent[] {
  return records
    .filter((record) => record.eventName.startsWith('ObjectCreated:'))
    .map((record) => {
      const object = record.s3.object;
      return {
        source: 'aws.s3',
        'detail-type': 'Object Created',
        ...(record.eventTime === undefined ? {} : { time: record.eventTime }),
        detail: {
          bucket: { name: record.s3.bucket.name },
          object: {
            key: object.key,
            ...(object.size === undefined ? {} : { size: object.size }),
            ...(object.eTag === undefined ? {} : { etag: object.eTag }),
            ...(object.sequencer === undefined ? {} : { sequencer: object.sequencer }),
          },
          reason: record.eventName.slice('ObjectCreated:'.length) === 'Copy' ? 'CopyObject' : 'PutObject',
        },
      };
    });
}

export function objectCreatedFrom(event: ObjectCreatedEventBridgeEvent): ObjectCreated {
  const { bucket, object } = event.detail;
  return {
    bucket: bucket.name,
    key: object.key,
    ...(object.size === undefined ? {} : { size: object.size }),
    ...(object.etag === undefined ? {} : { etag: object.etag }),
    ...(object.sequencer === undefined ? {} : { sequencer: object.sequencer }),
    ...(event.time === undefined ? {} : { time: event.time }),
  };
}

/**
 * S3 event notifications give object keys URL-encoded (a space as "+"); Powertools, Data Prepper and
 * LocalStack read EventBridge's `detail.object.key` the same way, which AWS's page leaves unsaid. Both
 * readings are tried: the decoded key when that object exists, else the raw one when it exists (a key
 * that really holds "+" or "%41"), else the decoded one. One listing, only when decoding changes the key.
 */
export async function resolveEventKey(object: ObjectCreated, exists: (key: string) => Promise<boolean>): Promise<ObjectCreated> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(object.key.replace(/\+/g, '%20'));
  } catch {
    return object;
  }
  if (decoded === object.key || (await exists(decoded)) || !(await exists(object.key))) return { ...object, key: decoded };
  return object;
}
