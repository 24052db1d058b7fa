/** What the local-runtime commands share: where data lives and how a pipeline argument is found. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GRAPH_SUFFIX, STATE_MACHINES_DIR } from '../catalogue';
import { projectRootOf } from '../graph/validate';
import { UsageError } from '../shared/errors';

export const DATA_DIR_ENV = 'ORCHESTRA_DATA_DIR';
export const DEFAULT_DATA_DIR = '.orchestra';

export interface DataDirOption {
  dataDir?: string;
}

/** --data-dir, else $ORCHESTRA_DATA_DIR, else .orchestra/ in the project. */
export function dataDirOf(options: DataDirOption): string {
  const fromOption = options.dataDir !== undefined;
  const dir = resolve(options.dataDir ?? process.env[DATA_DIR_ENV] ?? join(projectRootOf(join(process.cwd(), 'x')), DEFAULT_DATA_DIR));
  folderOrAbsent(dir, fromOption ? '--data-dir' : process.env[DATA_DIR_ENV] !== undefined ? DATA_DIR_ENV : 'the data folder');
  return dir;
}

/** Fails with a usage error, before any work, when `path` exists and is not a folder. */
export function folderOrAbsent(path: string, what: string): void {
  if (existsSync(path) && !statSync(path).isDirectory()) throw new UsageError(`${what} ${path} is a file, not a folder — pass a folder (it is created if missing)`);
}

/** A graph file path, or the name of a pipeline in state-machines/. */
export function graphFileOf(pipelineOrFile: string): string {
  if (existsSync(pipelineOrFile)) return pipelineOrFile;
  const named = join(projectRootOf(join(process.cwd(), 'x')), STATE_MACHINES_DIR, `${pipelineOrFile}${GRAPH_SUFFIX}`);
  if (existsSync(named)) return named;
  throw new UsageError(`"${pipelineOrFile}" is neither a graph file nor a pipeline in ${STATE_MACHINES_DIR}/ (expected ${named})`);
}
