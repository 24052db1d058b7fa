/**
 * The workplace's shared reference data (../shared beside the checkout, or ORCHESTRA_SHARED_DIR):
 * read in place, never copied into the repository.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED_DIR = process.env['ORCHESTRA_SHARED_DIR'] ?? resolve(__dirname, '..', '..', '..', 'shared');

/** The WfCommons workflows as Orchestra graphs (file paths), or [] where ../shared is absent. */
export function sharedWorkflowFiles(): string[] {
  const dir = join(SHARED_DIR, 'workflows', 'wfcommons');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => join(dir, name))
    : [];
}
