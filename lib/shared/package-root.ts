/**
 * Orchestra's own folder: this checkout, or node_modules/orchestra once a lab installs the package.
 * Found from this module's place, which differs between the sources (lib/shared/) and the bundle
 * (dist/, dist/chunks/): files Orchestra ships (the console, the built-in functions, the lab
 * template) are addressed from here, never from the user's working folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvariantError } from './errors';

export const PACKAGE_NAME = 'orchestra';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && parsed.name === PACKAGE_NAME) return dir;
    }
    if (dirname(dir) === dir) throw new InvariantError(`no package.json named "${PACKAGE_NAME}" above ${from}`);
  }
}

export const ORCHESTRA_ROOT = findPackageRoot(import.meta.dirname);

/** The version a lab depends on (package.json), printed by `orchestra --version` and written by `orchestra init`. */
export function orchestraVersion(): string {
  const parsed: unknown = JSON.parse(readFileSync(join(ORCHESTRA_ROOT, 'package.json'), 'utf8'));
  return typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string' ? parsed.version : '0.0.0';
}
