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

  class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    on(event: 'event', listener: (event: { Records: unknown[] }) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
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
