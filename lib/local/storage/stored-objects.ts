/**
 * Reads an object of the embedded S3 straight from the data folder, without its server: for commands
 * that read a run's records while no runtime is up (`orchestra why`). Through s3rver's own file store,
 * with the key encoding the runtime installs (./s3rver-guards.ts), so the layout is s3rver's to know.
 */

import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import FilesystemStore from 's3rver/lib/stores/filesystem.js';
import { LOCAL_BUCKET } from './embedded-s3';
import { guardS3rverKeys } from './s3rver-guards';

/** The object's text, or undefined when there is none. */
export async function readStoredText(dataDir: string, key: string, bucket: string = LOCAL_BUCKET): Promise<string | undefined> {
  guardS3rverKeys();
  const object = await new FilesystemStore(join(dataDir, 's3')).getObject(bucket, key);
  if (object === null || object.content === null) return undefined;
  return text(object.content);
}
