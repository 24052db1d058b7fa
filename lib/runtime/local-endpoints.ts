/**
 * What a running `orchestra up` serves, written to <dataDir>/endpoints.json while it runs, so the CLI
 * (`orchestra start`, `status`, …) finds the local runs API without being told. A file left by a
 * server that died names a pid that is gone, and counts as no server.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isAlive } from '../shared/process';

/** The keys the embedded S3 (s3rver) checks signatures with; any key works on the local Step Functions endpoint. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

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
