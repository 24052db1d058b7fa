/**
 * The embedded S3: an s3rver instance on loopback storing objects under <dataDir>/s3. Steps reach it
 * through @aws-sdk/client-s3 with an endpoint setting, so the same code talks to LocalStack or AWS.
 * Each stored object produces an S3 notification, translated here into the EventBridge "Object
 * Created" event the deployed stack's trigger receives.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import S3Event from 's3rver/lib/models/event.js';
import S3Object from 's3rver/lib/models/object.js';
import { type LocalCredentials, localCredentialsOf } from '../../runtime/local-endpoints';
import { type ListedS3Object, listAllObjects, type ObjectListing, s3ObjectListing } from '../../runtime/s3-list';
import { type ObjectCreatedEventBridgeEvent, parseS3Notification, toEventBridgeEvents } from '../../runtime/upload-events';
import { messageOf, OrchestraError } from '../../shared/errors';
import { filesUnder } from '../../shared/paths';
import { cacheBucketSettings } from './cached-bucket-settings';
import { indexStore } from './indexed-store';
import { refuseDenied, type S3AccessPolicy } from './s3-access-guard';
import { decodeAwsChunked, guardS3rverKeys, refuseForeignRequests, refuseUnsigned, refuseUnstorableKeys, unstorableKey } from './s3rver-guards';

export const LOCAL_BUCKET = 'orchestra-data';
/** s3rver checks signatures against this fixed key pair. */
export const LOCAL_REGION = 'us-east-1';

export interface EmbeddedS3 {
  readonly endpoint: string;
  readonly bucket: string;
  readonly client: S3Client;
  /** The data folder's key pair: every request must be signed with it (./signature-check.ts). */
  readonly credentials: LocalCredentials;
  /** A client of this server signing with other credentials (a step role's), one per key pair. */
  clientFor(credentials: LocalCredentials): S3Client;
  /** Environment that points any AWS SDK or the AWS CLI at this server. */
  readonly environment: Readonly<Record<string, string>>;
  onObjectCreated(listener: (event: ObjectCreatedEventBridgeEvent) => void): void;
  /** What the bucket holds, from the server's own index of it (./stored-object-index.ts): the triggers' listing port. */
  readonly listing: ObjectListing;
  /** Every object under `prefix`, in key order, from that index. */
  listKeys(prefix: string): Promise<readonly ListedS3Object[]>;
  /**
   * Stores an object through the server's own store, not over HTTP (no signing, no request parsing):
   * for what Orchestra itself writes after each run (its crate). The index and the notification are
   * those of any upload.
   */
  storeObject(key: string, body: string, contentType: string): Promise<void>;
  /** Uploads every file under `dir` to `<prefix><path below dir>`, one at a time; returns the keys. */
  uploadFolder(dir: string, prefix: string): Promise<string[]>;
  /** Every object under `prefix`, by key below it. */
  objectsUnder(prefix: string): Promise<Map<string, Uint8Array>>;
  stop(): Promise<void>;
}

export interface EmbeddedS3Options {
  readonly dataDir: string;
  /** Step roles' keys and what each may do (./step-identities.ts); without it, only the data folder's key is accepted. */
  readonly stepAccess?: S3AccessPolicy & { secretOf(accessKeyId: string): string | undefined };
  /** @default 0 (any free port) */
  readonly port?: number;
}

/** s3rver's listen never rejects: a port in use becomes an unhandled 'error' event. Ask first. */
async function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new OrchestraError('port-in-use', `127.0.0.1:${port} is already in use — is another \`orchestra up\` running? Stop it, or pick another port with --port`)
          : error,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  guardS3rverKeys();
  await ensurePortFree(options.port ?? 0);
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: join(options.dataDir, 's3'),
    configureBuckets: [{ name: LOCAL_BUCKET }],
    vhostBuckets: false,
  });
  cacheBucketSettings(server.store);
  // Web pages first (another Host, another site, a form POST: ./loopback-guard.ts), before s3rver reads the body.
  const credentials = localCredentialsOf(options.dataDir);
  const access = options.stepAccess;
  server.middleware.unshift(
    refuseForeignRequests,
    refuseUnsigned(credentials, (keyId) => access?.secretOf(keyId)),
    ...(access === undefined ? [] : [refuseDenied(access)]),
    refuseUnstorableKeys,
    decodeAwsChunked,
  );
  const listeners: Array<(event: ObjectCreatedEventBridgeEvent) => void> = [];
  server.on('event', (notification) => {
    for (const event of toEventBridgeEvents(parseS3Notification(notification))) for (const listener of listeners) listener(event);
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    throw new OrchestraError(
      's3-start',
      `cannot start the embedded S3 on 127.0.0.1:${options.port ?? 0}: ${messageOf(error)} — is another \`orchestra up\` using the port? Pick another with --port`,
      { cause: error },
    );
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({ endpoint, region: LOCAL_REGION, forcePathStyle: true, credentials: { ...credentials } });
  // Before anyone has the endpoint: from here on the index sees every write.
  const index = indexStore(server.store, LOCAL_BUCKET);
  // Another bucket (none is configured, but a step may make one) is listed by the server.
  const overHttp = s3ObjectListing(client);
  const listing: ObjectListing = {
    list: (bucket, prefix) => (bucket === LOCAL_BUCKET ? index.list(prefix) : overHttp.list(bucket, prefix)),
    exists: (bucket, key) => (bucket === LOCAL_BUCKET ? index.has(key) : overHttp.exists(bucket, key)),
  };
  const roleClients = new Map<string, S3Client>();
  return {
    clientFor(roleCredentials) {
      let roleClient = roleClients.get(roleCredentials.accessKeyId);
      if (roleClient === undefined) {
        roleClient = new S3Client({ endpoint, region: LOCAL_REGION, forcePathStyle: true, credentials: { ...roleCredentials } });
        roleClients.set(roleCredentials.accessKeyId, roleClient);
      }
      return roleClient;
    },
    endpoint,
    bucket: LOCAL_BUCKET,
    client,
    credentials,
    environment: {
      ORCHESTRA_S3_ENDPOINT: endpoint,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: LOCAL_REGION,
    },
    onObjectCreated: (listener) => void listeners.push(listener),
    listing,
    listKeys: (prefix) => index.list(prefix),
    async storeObject(key, body, contentType) {
      const unstorable = unstorableKey(key);
      if (unstorable !== undefined) throw new OrchestraError('s3-key', `cannot store ${key}: ${unstorable.message}`);
      const { md5, size } = await server.store.putObject(new S3Object(LOCAL_BUCKET, key, Buffer.from(body), { 'content-type': contentType }));
      const event = { bucket: LOCAL_BUCKET, eventType: 'Put' as const, S3Item: { key, size, metadata: { etag: JSON.stringify(md5) } } };
      server.emit('event', new S3Event(event, { reqHeaders: { host: `127.0.0.1:${address.port}` }, sourceIp: '127.0.0.1' }));
    },
    async uploadFolder(dir, prefix) {
      const keys: string[] = [];
      for (const file of filesUnder(dir)) {
        const key = `${prefix}${file.split('\\').join('/')}`;
        await client.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: await readFile(join(dir, file)) }));
        keys.push(key);
      }
      return keys;
    },
    async objectsUnder(prefix) {
      const objects = new Map<string, Uint8Array>();
      for (const { key } of await listAllObjects(client, LOCAL_BUCKET, prefix)) {
        const object = await client.send(new GetObjectCommand({ Bucket: LOCAL_BUCKET, Key: key }));
        objects.set(key.slice(prefix.length), (await object.Body?.transformToByteArray()) ?? new Uint8Array());
      }
      return objects;
    },
    async stop() {
      client.destroy();
      for (const roleClient of roleClients.values()) roleClient.destroy();
      await server.close();
    },
  };
}
