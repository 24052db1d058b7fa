/** The repository's root, for tests of every tier (importing it loads nothing else). */
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
