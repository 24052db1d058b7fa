/**
 * Task tokens of `.waitForTaskToken` Tasks running locally: each attempt gets a token, its Task
 * waits until SendTaskSuccess or SendTaskFailure names it (through the local Step Functions
 * endpoint), fails with States.HeartbeatTimeout when HeartbeatSeconds pass without SendTaskHeartbeat,
 * and once the Task has ended its token answers TaskTimedOut, as on AWS.
 */
import { randomBytes } from 'node:crypto';
import { OrchestraError } from '../../shared/errors';
import { type Json, parseStoredJson } from '../../shared/json';

/** The error names AWS gives callbacks that cannot be delivered. */
export type TaskTokenErrorType = 'TaskDoesNotExist' | 'TaskTimedOut' | 'InvalidToken' | 'InvalidOutput';

export class TaskTokenError extends OrchestraError {
  override readonly name = 'TaskTokenError';
  constructor(
    readonly type: TaskTokenErrorType,
    message: string,
  ) {
    super('task-token', message);
  }
}

/** The error a Task fails with when its heartbeat stops. */
export const HEARTBEAT_TIMEOUT = 'States.HeartbeatTimeout';

interface Waiting {
  readonly token: string;
  readonly label: string;
  /** The state machine whose Task waits: what IAM decides an answer to the token on. */
  readonly stateMachineArn: string | undefined;
  readonly resolve: (output: Json) => void;
  readonly reject: (error: Error) => void;
  readonly heartbeatSeconds: number | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** How many ended tokens are remembered to answer TaskTimedOut (older ones answer TaskDoesNotExist). */
const REMEMBERED_ENDED = 10_000;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{1,1024}$/;

export class TaskTokens {
  private readonly waiting = new Map<string, Waiting>();
  private readonly ended = new Set<string>();

  /** A new token, for one attempt of a Task. */
  issue(): string {
    return randomBytes(48).toString('base64url');
  }

  /**
   * Resolves with the output of SendTaskSuccess, rejects with the error of SendTaskFailure or
   * States.HeartbeatTimeout. Ends (and the token with it) when `signal` fires: the Task timed out or the run stopped.
   */
  wait(token: string, label: string, heartbeatSeconds: number | undefined, signal: AbortSignal, stateMachineArn?: string): Promise<Json> {
    return new Promise<Json>((resolve, reject) => {
      const entry: Waiting = { token, label, stateMachineArn, resolve, reject, heartbeatSeconds, timer: undefined };
      this.waiting.set(token, entry);
      this.beat(entry);
      signal.addEventListener('abort', () => this.end(token), { once: true });
    });
  }

  /** The state machine a waiting token belongs to (an answer to it is authorized on that ARN, as on AWS). */
  stateMachineOf(token: string): string | undefined {
    return this.waiting.get(token)?.stateMachineArn;
  }

  succeed(token: string, output: string): void {
    const entry = this.take(token);
    let value: Json;
    try {
      value = parseStoredJson(output);
    } catch {
      this.waiting.set(token, entry);
      throw new TaskTokenError('InvalidOutput', 'output: not JSON');
    }
    this.end(token);
    entry.resolve(value);
  }

  fail(token: string, error: string | undefined, cause: string | undefined): void {
    const entry = this.take(token);
    this.end(token);
    entry.reject(Object.assign(new Error(cause ?? ''), { name: error ?? 'States.TaskFailed' }));
  }

  heartbeat(token: string): void {
    this.beat(this.take(token));
  }

  private take(token: string): Waiting {
    if (!TOKEN_FORMAT.test(token)) throw new TaskTokenError('InvalidToken', 'taskToken: not a task token');
    const entry = this.waiting.get(token);
    if (entry !== undefined) return entry;
    if (this.ended.has(token)) throw new TaskTokenError('TaskTimedOut', 'Task Timed Out: the task of this token has ended (timed out, failed, or its run stopped)');
    throw new TaskTokenError('TaskDoesNotExist', 'Task does not exist: no task is waiting for this token');
  }

  private beat(entry: Waiting): void {
    if (entry.heartbeatSeconds === undefined) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      this.end(entry.token);
      entry.reject(Object.assign(new Error(`${entry.label}: no heartbeat within ${entry.heartbeatSeconds} s`), { name: HEARTBEAT_TIMEOUT }));
    }, entry.heartbeatSeconds * 1000);
  }

  private end(token: string): void {
    const entry = this.waiting.get(token);
    if (entry !== undefined) clearTimeout(entry.timer);
    this.waiting.delete(token);
    this.ended.add(token);
    if (this.ended.size > REMEMBERED_ENDED) this.ended.delete(this.ended.values().next().value ?? '');
  }
}
