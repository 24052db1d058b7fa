import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Whether `path` (absolute, or relative to `folder`) lies inside `folder`. Only a ".." segment leaves
 * it: a name that merely starts with two dots ("..evil/") is inside.
 */
export function isInside(folder: string, path: string): boolean {
  const fromFolder = relative(folder, resolve(folder, path));
  return fromFolder !== '..' && !fromFolder.startsWith(`..${sep}`) && !isAbsolute(fromFolder);
}
