import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Whether `path` (absolute, or relative to `folder`) lies inside `folder`. Only a ".." segment leaves
 * it: a name that merely starts with two dots ("..evil/") is inside.
 */
export function isInside(folder: string, path: string): boolean {
  const fromFolder = relative(folder, resolve(folder, path));
  return fromFolder !== '..' && !fromFolder.startsWith(`..${sep}`) && !isAbsolute(fromFolder);
}

/** Every file below `dir`, as paths relative to it, sorted; none when `dir` does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}
