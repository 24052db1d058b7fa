/** A throwaway project folder for tests that write a lab's files (graphs, handlers) and change them. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempProject {
  readonly dir: string;
  /**
   * Writes `path` (project-relative) and returns its absolute path. `secondsLater` moves its time
   * forward, so a save within the same millisecond as the last one still reads as a change.
   */
  write(path: string, text: string, secondsLater?: number): string;
  remove(): void;
}

export function tempProject(prefix: string): TempProject {
  const dir = mkdtempSync(join(tmpdir(), `orchestra-${prefix}-`));
  return {
    dir,
    write(path, text, secondsLater = 0) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      if (secondsLater !== 0) {
        const when = new Date(Date.now() + secondsLater * 1000);
        utimesSync(file, when, when);
      }
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
