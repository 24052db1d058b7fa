/**
 * What a running `orchestra up` serves, written to <dataDir>/endpoints.json while it runs, so the CLI
 * (`orchestra start`, `status`, …) finds the local runs API without being told. A file left by a
 * server that died names a pid that is gone, and counts as no server.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isAlive } from '../shared/process';

/** The access key id of the local endpoints: s3rver accepts this one only; the secret is the data folder's own. */
export const LOCAL_ACCESS_KEY_ID = 'S3RVER';

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const credentialsSchema = z.object({ accessKeyId: z.literal(LOCAL_ACCESS_KEY_ID), secretAccessKey: z.string().regex(/^[A-Za-z0-9]{40}$/) });

/**
 * The key pair the embedded S3 and the Step Functions endpoint check every request's signature with:
 * made once per data folder (<dataDir>/credentials.json, readable by its owner only) and printed by
 * `orchestra up`. A published constant would let any process or page use the local endpoints.
 */
const parsedOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** A secret access key as AWS makes them: 40 letters and digits. */
export const newSecretAccessKey = (): string =>
  randomBytes(30)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '0')
    .slice(0, 40);

export function localCredentialsOf(dataDir: string): LocalCredentials {
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) {
    const parsed = credentialsSchema.safeParse(parsedOrUndefined(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  }
  // None yet, or a damaged one: a new secret (`orchestra up` prints it; steps get it from the runtime).
  const credentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: newSecretAccessKey() };
  mkdirSync(dataDir, { recursive: true });
  // Written beside and renamed: a second process starting at once reads a whole file or none.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, file);
  return credentials;
}

const endpointsSchema = z.object({ pid: z.int(), s3: z.string(), bucket: z.string(), stepFunctions: z.string(), runsApi: z.string() });
export type LocalEndpoints = z.infer<typeof endpointsSchema>;

const fileOf = (dataDir: string): string => join(dataDir, 'endpoints.json');

export function writeEndpoints(dataDir: string, endpoints: LocalEndpoints): () => void {
  writeFileSync(fileOf(dataDir), `${JSON.stringify(endpoints, null, 2)}\n`);
  return () => rmSync(fileOf(dataDir), { force: true });
}

/** The endpoints of the `orchestra up` serving this data folder, if one is running. */
export function runningEndpoints(dataDir: string): LocalEndpoints | undefined {
  const file = fileOf(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const endpoints = endpointsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    return isAlive(endpoints.pid) ? endpoints : undefined;
  } catch {
    return undefined;
  }
}
