/**
 * One runtime per data folder: two would each run an S3 server over the same files and mark each
 * other's runs as interrupted. The lock file holds the owner's pid; a lock whose process is gone
 * (a crash, kill -9) is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrchestraError } from '../../shared/errors';

export class DataDirInUseError extends OrchestraError {
  override readonly name = 'DataDirInUseError';
  constructor(dataDir: string, pid: number) {
    super(
      'data-dir-in-use',
      `${dataDir} is in use by another Orchestra process (pid ${pid}, an \`orchestra up\` or \`orchestra run\`) — stop it, upload to it, or use another --data-dir`,
    );
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
import { isAlive } from '../../shared/process';

/** Takes the folder's lock; returns its release. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'runtime.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) throw new DataDirInUseError(dataDir, owner);
      rmSync(file, { force: true });
    }
  }
  throw new OrchestraError('data-dir-lock', `cannot take the lock ${file} — remove it if no Orchestra process is running`);
}
