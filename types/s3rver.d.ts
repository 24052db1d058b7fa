/** Minimal typings for s3rver 3.x (it ships none): only what lib/local/storage/embedded-s3.ts uses. */
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  interface S3rverStoredObject {
    readonly key: string;
    readonly metadata: { readonly etag?: string; readonly 'content-length'?: number | string };
  }

  interface S3rverStore {
    putObject(object: { readonly bucket: string; readonly key: string }): Promise<{ size: number; md5: string }>;
    copyObject(
      srcBucket: string,
      srcKey: string,
      destBucket: string,
      destKey: string,
      replacementMetadata?: unknown,
    ): Promise<{ etag?: string; 'content-length'?: number | string }>;
    deleteObject(bucket: string, key: string): Promise<void>;
    getBucket(bucket: string): Promise<unknown>;
    putBucket(bucket: string): Promise<unknown>;
    deleteBucket(bucket: string): Promise<unknown>;
    getSubresource(bucket: string, key: string | undefined, resourceType: string): Promise<unknown>;
    putSubresource(bucket: string, key: string | undefined, resource: { readonly type: string }): Promise<void>;
    deleteSubresource(bucket: string, key: string | undefined, resourceType: string): Promise<void>;
    listObjects(bucket: string, options: { startAfter?: string; prefix?: string; maxKeys?: number }): Promise<{ objects: S3rverStoredObject[]; isTruncated: boolean }>;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    on(event: 'event', listener: (event: { Records: unknown[] }) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    emit(event: 'event', notification: object): boolean;
    /** The file store every request reads and writes through (lib/local/storage/indexed-store.ts wraps its writes). */
    store: S3rverStore;
    /** s3rver is a Koa application: its middleware stack, in order. */
    middleware: Array<(ctx: never, next: () => Promise<void>) => Promise<void>>;
  }

  export = S3rver;
}

declare module 's3rver/lib/stores/filesystem.js' {
  /** s3rver's file store; lib/local/storage/s3rver-guards.ts replaces its key encoding. */
  const FilesystemStore: {
    encodeKeyPath(key: string): string;
    decodeKeyPath(path: string): string;
    new (rootDirectory: string): { getObject(bucket: string, key: string): Promise<{ content: NodeJS.ReadableStream | null } | null> };
  };
  export = FilesystemStore;
}

declare module 's3rver/lib/models/object.js' {
  /** An object as s3rver's store takes it. */
  class S3Object {
    constructor(bucket: string, key: string, content: Buffer | null, metadata: Readonly<Record<string, string>>);
    readonly bucket: string;
    readonly key: string;
  }
  export = S3Object;
}

declare module 's3rver/lib/models/event.js' {
  /** The S3 notification s3rver emits for a stored object (what its 'event' listeners get). */
  class S3Event {
    constructor(
      eventData: { bucket: string; eventType: 'Put'; S3Item: { key: string; size: number; metadata: { etag: string } } },
      request: { reqHeaders: { host: string }; sourceIp: string },
    );
  }
  export = S3Event;
}
