/**
 * "An object was created" in the three shapes it arrives in: S3 notification records (the embedded
 * S3 and classic S3 notifications), EventBridge "Object Created" events (what the deployed stack
 * receives), and the normalised form the ingest logic works on.
 */

export interface ObjectCreated {
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
  readonly etag?: string;
  /** S3's per-key ordering token; with the etag it tells a re-delivery from a new upload. */
  readonly sequencer?: string;
}

/** The EventBridge event S3 sends when "EventBridge notifications" are on for a bucket. */
export interface ObjectCreatedEventBridgeEvent {
  readonly source: 'aws.s3';
  readonly 'detail-type': 'Object Created';
  readonly time?: string;
  readonly detail: {
    readonly bucket: { readonly name: string };
    readonly object: { readonly key: string; readonly size?: number; readonly etag?: string; readonly sequencer?: string };
    readonly reason?: string;
  };
}

export interface S3NotificationRecord {
  readonly eventName: string;
  readonly eventTime?: string;
  readonly s3: {
    readonly bucket: { readonly name: string };
    readonly object: { readonly key: string; readonly size?: number; readonly eTag?: string; readonly sequencer?: string };
  };
}

/** S3 notification keys are URL-encoded with "+" for spaces; s3rver sends them raw, which decodes to itself. */
const decodeKey = (key: string): string => {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
};

/** Translates notification records into the EventBridge events the cloud trigger receives; removals are dropped. */
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
            key: decodeKey(object.key),
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
  };
}
