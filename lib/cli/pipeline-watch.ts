/**
 * `orchestra up`'s developer loop for graphs: when a pipeline's graph or its compiled definition is
 * saved, the pipeline is loaded again and runs started afterwards use it. A graph whose committed
 * definition is now stale is not served (what runs locally is what deploys): the previous one stays
 * until `orchestra build` writes the new definition, which is itself a change seen here.
 */
import { existsSync, type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import { ASL_SUFFIX, GRAPH_SUFFIX, loadPipeline, type PipelineSource } from '../catalogue';
import { messageOf } from '../shared/errors';

/** Saves come as bursts of events (write, rename, chmod): act once the burst is over. */
const SETTLE_MS = 150;

export interface PipelineWatchListener {
  reloaded(pipeline: PipelineSource): void;
  refused(graphFile: string, reason: string): void;
}

/** Watches `dir` (not recursively: pipelines are its direct children) until the returned function is called. */
export function watchPipelines(dir: string, listener: PipelineWatchListener): () => void {
  const pending = new Map<string, NodeJS.Timeout>();
  const reload = (graphFile: string) => {
    pending.delete(graphFile);
    if (!existsSync(graphFile)) return;
    try {
      listener.reloaded(loadPipeline(graphFile));
    } catch (error) {
      listener.refused(graphFile, messageOf(error));
    }
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, (_event, name) => {
      if (name === null) return;
      const base = name.endsWith(GRAPH_SUFFIX) ? name.slice(0, -GRAPH_SUFFIX.length) : name.endsWith(ASL_SUFFIX) ? name.slice(0, -ASL_SUFFIX.length) : undefined;
      if (base === undefined) return;
      const graphFile = join(dir, `${base}${GRAPH_SUFFIX}`);
      clearTimeout(pending.get(graphFile));
      pending.set(
        graphFile,
        setTimeout(() => reload(graphFile), SETTLE_MS),
      );
    });
  } catch {
    // A folder that cannot be watched (a network file system) only loses the reload.
    return () => undefined;
  }
  return () => {
    watcher.close();
    for (const timer of pending.values()) clearTimeout(timer);
  };
}
