/** Upload events are checked where they enter: EventBridge events (deployed trigger) and S3 notifications (embedded S3). */
import { describe, expect, it } from 'vitest';
import { objectCreatedFrom, parseObjectCreatedEvent, parseS3Notification, toEventBridgeEvents, UploadEventError } from '../../lib/runtime/upload-events';

const eventBridge = (object: Record<string, unknown>) => ({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'b' }, object } });

describe('upload events', () => {
  it('reads an EventBridge "Object Created" event into the ingest form', () => {
    const event = parseObjectCreatedEvent(eventBridge({ key: 'ingest/flood/a/dem.asc', etag: 'e1', size: 3, sequencer: '01' }));

    expect(objectCreatedFrom(event)).toEqual({ bucket: 'b', key: 'ingest/flood/a/dem.asc', etag: 'e1', size: 3, sequencer: '01' });
  });

  it('fails on an event that is not from S3, naming each wrong field', () => {
    const attempt = () => parseObjectCreatedEvent({ source: 'aws.ec2', 'detail-type': 'Object Created', detail: { bucket: {}, object: { key: 5 } } });

    expect(attempt).toThrow(UploadEventError);
    expect(attempt).toThrow(/\$\.source: .*\$\.detail\.bucket\.name: .*\$\.detail\.object\.key: /);
  });

  it('fails on a prototype-named or oversized payload without polluting objects', () => {
    expect(() => parseObjectCreatedEvent(JSON.parse('{"__proto__": {"source": "aws.s3"}}'))).toThrow(UploadEventError);
    expect(({} as Record<string, unknown>)['source']).toBeUndefined();
    expect(() => parseObjectCreatedEvent(eventBridge({ key: 'k'.repeat(1_000_000), size: 'big' }))).toThrow(/\$\.detail\.object\.size/);
  });

  it('translates S3 notification records from the embedded S3, dropping removals', () => {
    const records = parseS3Notification({
      Records: [
        { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'ingest/my+data/x%41 y.txt', eTag: 'e' } } },
        { eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'b' }, object: { key: 'x' } } },
      ],
    });

    // s3rver reports keys as stored: "+" and "%41" are part of the key (issue 11, item 6).
    expect(toEventBridgeEvents(records).map((e) => e.detail.object)).toEqual([{ key: 'ingest/my+data/x%41 y.txt', etag: 'e' }]);
  });

  it('fails on a notification without records', () => {
    expect(() => parseS3Notification({ records: [] })).toThrow(/\$\.Records: /);
  });
});
