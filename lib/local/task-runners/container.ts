/**
 * Runs a container step's `local.command` as a child process with the environment its Fargate
 * container gets. Output lines go to the run log; the Task's timeout or the end of the run kills the
 * process (SIGTERM, then SIGKILL after a grace period, like `ecs:StopTask`); a non-zero exit fails
 * the attempt with States.TaskFailed, which Retry and Catch see as they would on AWS.
 */
import { spawn } from 'node:child_process';
import { ERRORS, StepError, StepTimeoutError } from '../../contract/errors';
import type { StepProcesses } from '../engine/leftovers';
import type { LogSink } from '../engine/log-capture';
import { meterProcessTree, type ProcessTreeUsage } from '../usage/process-tree-meter';

export const KILL_GRACE_MS = 2_000;

/** The container exited non-zero or could not start: States.TaskFailed, as ECS reports it. */
export class ContainerStepError extends StepError {
  override readonly name = ERRORS.taskFailed;
  constructor(message: string) {
    super('container-failed', message);
  }
}

export interface LocalContainerOptions {
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly log: LogSink;
  /** Where the process is recorded while it runs, so a runtime killed meanwhile has it stopped at its next start. */
  readonly processes?: { readonly registry: StepProcesses; readonly runId: string; readonly step: string };
  /** Told what the process and those it started used, once it ended (however it ended). */
  readonly onUsage?: (usage: ProcessTreeUsage) => void;
}

/** Signals the process's whole group: what it started (a model's own processes) stops with it. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** ECS's cap on a RunTask's container overrides, in characters of their JSON. */
export const MAX_CONTAINER_OVERRIDES_CHARACTERS = 8192;

/** What ECS answers for overrides over its cap, as the runTask integration reports it. */
export class ContainerOverridesTooLongError extends StepError {
  override readonly name = ERRORS.ecsInvalidParameter;
  constructor(length: number) {
    super(
      'container-overrides',
      `Container Overrides length must be at most ${MAX_CONTAINER_OVERRIDES_CHARACTERS} (these are ${length}): pass large inputs through S3 — the run input's keys, a dependency's result file — not in the step's environment`,
    );
  }
}

/** "node" in a command means the Node that runs Orchestra (Node 24 from the devDependency), not whatever is on PATH. */
const resolveExecutable = (program: string): string => (program === 'node' ? process.execPath : program);

export function runLocalContainer(options: LocalContainerOptions): Promise<{ readonly pid: number }> {
  const [program, ...args] = options.command;
  if (program === undefined) return Promise.reject(new ContainerStepError('local.command is empty'));
  return new Promise((resolve, reject) => {
    // Its own process group (detached), so stopping it stops what it started too.
    const child = spawn(resolveExecutable(program), args, { cwd: options.cwd, env: { ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const { processes } = options;
    if (child.pid !== undefined) processes?.registry.started({ pid: child.pid, runId: processes.runId, step: processes.step });
    const meter = meterProcessTree(child.pid);
    let lastError = '';
    const forward = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (stream === 'stderr') lastError = (lastError + text).slice(-500);
      options.log(stream, text);
    };
    child.stdout.on('data', forward('stdout'));
    child.stderr.on('data', forward('stderr'));

    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    if (options.signal.aborted) stop();
    options.signal.addEventListener('abort', stop, { once: true });

    child.on('error', (error) => {
      options.signal.removeEventListener('abort', stop);
      meter.stop();
      reject(new ContainerStepError(`cannot start ${program}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      if (child.pid !== undefined) processes?.registry.ended(child.pid);
      options.onUsage?.(meter.stop());
      options.signal.removeEventListener('abort', stop);
      if (killTimer !== undefined) clearTimeout(killTimer);
      if (options.signal.aborted) {
        const reason = options.signal.reason as Error | undefined;
        return reject(reason?.name === 'TimeoutError' ? new StepTimeoutError(`killed after the step's timeout`) : new ContainerStepError('stopped: the run ended'));
      }
      if (code === 0) return resolve({ pid: child.pid ?? 0 });
      const last = lastError.trim().split('\n').pop() ?? '';
      reject(new ContainerStepError(`container exited with ${code === null ? `signal ${signal}` : `code ${code}`}${last === '' ? '' : `: ${last}`}`));
    });
  });
}
