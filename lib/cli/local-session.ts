/** What the local-runtime commands share: where data lives and how a pipeline argument is found. */
import { existsSync } from 'node:fs';
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
  return resolve(options.dataDir ?? process.env[DATA_DIR_ENV] ?? join(projectRootOf(join(process.cwd(), 'x')), DEFAULT_DATA_DIR));
}

/** A graph file path, or the name of a pipeline in state-machines/. */
export function graphFileOf(pipelineOrFile: string): string {
  if (existsSync(pipelineOrFile)) return pipelineOrFile;
  const named = join(projectRootOf(join(process.cwd(), 'x')), STATE_MACHINES_DIR, `${pipelineOrFile}${GRAPH_SUFFIX}`);
  if (existsSync(named)) return named;
  throw new UsageError(`"${pipelineOrFile}" is neither a graph file nor a pipeline in ${STATE_MACHINES_DIR}/ (expected ${named})`);
}
