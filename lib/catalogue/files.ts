/** Where pipelines live: <name>.graph.json next to its committed, compiled <name>.asl.json. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const GRAPH_SUFFIX = '.graph.json';
export const ASL_SUFFIX = '.asl.json';
export const STATE_MACHINES_DIR = 'state-machines';

export function graphFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(GRAPH_SUFFIX))
    .sort()
    .map((name) => join(dir, name));
}

export const aslFileFor = (graphFile: string): string => graphFile.slice(0, -GRAPH_SUFFIX.length) + ASL_SUFFIX;
