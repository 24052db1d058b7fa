/** A Lambda step's code identity for reuse, the same on both targets: its bundle's hash and its bundled files' contents. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import stringify from 'safe-stable-stringify';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export function lambdaCodeIdentity(bundleHash: string, files: readonly string[], rootDir: string): string {
  return sha256(stringify({ bundle: bundleHash, files: files.map((file) => [file, sha256(readFileSync(join(rootDir, file)))]) }) ?? '');
}
