/**
 * What a runtime killed with `kill -9` leaves behind, found and cleared by the next one on the same
 * data folder (it holds the folder's lock, so nothing else writes there):
 * - container step processes, which outlive their parent: each is recorded while it runs
 *   (`processes/<pid>.json`, with the process's start time so a reused pid is never taken for it) and
 *   its process group stopped at the next start — else a redrive ran a second copy beside it;
 * - the embedded S3's half-written uploads and metadata (`*.<pid>.<hex>.upload`, `*.<pid>-<hex>.tmp`),
 *   which were never renamed over their object (175 MB of one stayed forever).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonRecord } from '../../shared/json';

/** The folder under the data folder where running step processes are recorded. */
export const PROCESSES_DIR = 'processes';

export interface StepProcess {
  readonly pid: number;
  readonly runId: string;
  readonly step: string;
}

/**
 * When the process started, as the system tells it: /proc on Linux (field 22 of stat, in clock ticks
 * since boot), `ps` elsewhere. Undefined when the process is gone.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    if (existsSync('/proc/self/stat')) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields are counted after its closing ")".
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    }
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return started === '' ? undefined : started;
  } catch {
    return undefined;
  }
}

/** Kills a process and its group (a step's process leads its own group: the model it runs goes too). */
function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Gone already, or no group of that id.
    }
  }
}

/** The container step processes of one runtime, recorded in its data folder while they run. */
export class StepProcesses {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, PROCESSES_DIR);
    mkdirSync(this.dir, { recursive: true });
  }

  started(process: StepProcess): void {
    const startTime = processStartTime(process.pid);
    if (startTime !== undefined) writeFileSync(join(this.dir, `${process.pid}.json`), JSON.stringify({ ...process, startTime }));
  }

  ended(pid: number): void {
    rmSync(join(this.dir, `${pid}.json`), { force: true });
  }

  /** Stops every recorded process still running as recorded (same pid, same start time): an earlier runtime's. */
  stopLeftovers(): StepProcess[] {
    const stopped: StepProcess[] = [];
    for (const name of readdirSync(this.dir)) {
      const file = join(this.dir, name);
      let recorded: unknown;
      try {
        recorded = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        recorded = undefined;
      }
      rmSync(file, { force: true });
      if (!isJsonRecord(recorded)) continue;
      const { pid, runId, step, startTime } = recorded;
      if (typeof pid !== 'number' || typeof runId !== 'string' || typeof step !== 'string' || typeof startTime !== 'string') continue;
      if (processStartTime(pid) !== startTime) continue;
      killGroup(pid);
      stopped.push({ pid, runId, step });
    }
    return stopped;
  }
}

/** s3rver's temporary files, as its store (patched here) names them. */
const INTERRUPTED_WRITE = /\.\d+[.-][0-9a-f]{12}\.(?:upload|tmp)$/;

/** Removes the half-written files under the embedded S3's folder; returns how many and their bytes. */
export function removeInterruptedWrites(s3Dir: string): { readonly files: number; readonly bytes: number } {
  let files = 0;
  let bytes = 0;
  if (!existsSync(s3Dir)) return { files, bytes };
  for (const entry of readdirSync(s3Dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !INTERRUPTED_WRITE.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    bytes += statSync(path).size;
    rmSync(path, { force: true });
    files += 1;
  }
  return { files, bytes };
}
