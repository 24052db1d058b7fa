/**
 * The Step Functions operations over the embedded runtime: each pipeline is a state machine named
 * after it, each run an execution named by its run id. Answers have AWS's shapes (the SDK's own
 * output types), so @aws-sdk/client-sfn and `aws stepfunctions` work against it unchanged.
 */
import type {
  DescribeExecutionOutput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  GetExecutionHistoryOutput,
  ListExecutionsOutput,
  ListStateMachinesOutput,
  RedriveExecutionOutput,
  StartExecutionOutput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { z } from 'zod';
import type { PipelineSource } from '../../../catalogue';
import { ERRORS } from '../../../contract/errors';
import { RUN_NAME_MAX_LENGTH, RUN_NAME_PATTERN } from '../../../contract/runs-api';
import type { RunInput } from '../../../contract/step-event';
import { RUN_SOURCES } from '../../../contract/step-event';
import { isJsonRecord } from '../../../shared/json';
import { localExecutionArn, localStateMachineArn } from '../../engine/bindings';
import { TaskTokenError, type TaskTokens } from '../../engine/task-tokens';
import { RunNotRedrivableError } from '../../runs/run-controller';
import { type RunRecord, TERMINAL_RUN_STATUSES } from '../../runs/run-record';
import { RunAlreadyExistsError, RunNotFoundError, type RunStore, type StartedAs } from '../../runs/run-store';
import { decodeToken, encodeToken, type Operation, parseRequest, type RequestOf, StepFunctionsError } from './protocol';

/** What the endpoint needs of the runtime (LocalRuntime provides it). */
export interface LocalRuns {
  readonly pipelines: readonly PipelineSource[];
  readonly store: RunStore;
  readonly tokens: TaskTokens;
  startRun(pipeline: string, input: RunInput, options: { runId?: string }): RunRecord;
  redriveRun(runId: string): RunRecord;
  abortRun(runId: string, reason?: string, error?: string): boolean;
}

const DEFAULT_PAGE = 100;
const listPosition = z.object({ startedAt: z.string(), runId: z.string() });
const historyPosition = z.object({ after: z.int() });

const pageSize = (maxResults: number | undefined): number => (maxResults === undefined || maxResults === 0 ? DEFAULT_PAGE : maxResults);

export class LocalStepFunctions {
  private readonly createdAt = new Date();

  constructor(private readonly runs: LocalRuns) {}

  /** Answers one operation; throws StepFunctionsError for what AWS would refuse. */
  async call(operation: Operation, body: unknown): Promise<unknown> {
    switch (operation) {
      case 'ListStateMachines':
        return this.listStateMachines(parseRequest(operation, body));
      case 'DescribeStateMachine':
        return this.describeStateMachine(parseRequest(operation, body));
      case 'StartExecution':
        return this.startExecution(parseRequest(operation, body));
      case 'DescribeExecution':
        return this.describeExecution(parseRequest(operation, body));
      case 'ListExecutions':
        return this.listExecutions(parseRequest(operation, body));
      case 'StopExecution':
        return this.stopExecution(parseRequest(operation, body));
      case 'GetExecutionHistory':
        return this.getExecutionHistory(parseRequest(operation, body));
      case 'RedriveExecution':
        return this.redriveExecution(parseRequest(operation, body));
      case 'SendTaskSuccess': {
        const { taskToken, output } = parseRequest(operation, body);
        return this.callback(() => this.runs.tokens.succeed(taskToken, output));
      }
      case 'SendTaskFailure': {
        const { taskToken, error, cause } = parseRequest(operation, body);
        return this.callback(() => this.runs.tokens.fail(taskToken, error, cause));
      }
      case 'SendTaskHeartbeat':
        return this.callback(() => this.runs.tokens.heartbeat(parseRequest(operation, body).taskToken));
    }
  }

  /** SendTask*: an empty answer, or the token's refusal under AWS's name. */
  private callback(deliver: () => void): Record<string, never> {
    try {
      deliver();
      return {};
    } catch (error) {
      if (error instanceof TaskTokenError) throw new StepFunctionsError(error.type, error.message);
      throw error;
    }
  }

  private listStateMachines(request: RequestOf<'ListStateMachines'>): ListStateMachinesOutput {
    const all = [...this.runs.pipelines].sort((a, b) => a.name.localeCompare(b.name));
    const start = request.nextToken === undefined ? 0 : decodeToken(request.nextToken, historyPosition).after;
    const page = all.slice(start, start + pageSize(request.maxResults));
    const end = start + page.length;
    return {
      stateMachines: page.map((p) => ({ stateMachineArn: localStateMachineArn(p.name), name: p.name, type: 'STANDARD', creationDate: this.createdAt })),
      ...(end < all.length ? { nextToken: encodeToken({ after: end }) } : {}),
    };
  }

  private describeStateMachine({ stateMachineArn }: RequestOf<'DescribeStateMachine'>): DescribeStateMachineOutput {
    const pipeline = this.pipelineOf(stateMachineArn);
    return {
      stateMachineArn,
      name: pipeline.name,
      status: 'ACTIVE',
      definition: pipeline.definitionText,
      roleArn: `${stateMachineArn}:role`,
      type: 'STANDARD',
      creationDate: this.createdAt,
    };
  }

  /** Standard workflows: the same name and input while the execution runs return that execution; otherwise the name is refused. */
  private nameTaken(pipeline: string, runId: string, taken: StartedAs | undefined, input: RunInput): StartExecutionOutput {
    // Compared as JSON.stringify writes them: SQLite may write a number of the stored input otherwise.
    if (taken !== undefined && taken.pipeline === pipeline && taken.status === 'RUNNING' && JSON.stringify(JSON.parse(taken.inputJson)) === JSON.stringify(input)) {
      return { executionArn: localExecutionArn(pipeline, runId), startDate: new Date(taken.startedAt) };
    }
    throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${localExecutionArn(pipeline, runId)}' (a name is used once)`);
  }

  private startExecution(request: RequestOf<'StartExecution'>): StartExecutionOutput {
    const pipeline = this.pipelineOf(request.stateMachineArn);
    if (request.name !== undefined && !RUN_NAME_PATTERN.test(request.name))
      throw new StepFunctionsError('InvalidName', `name "${request.name}": locally 1-${RUN_NAME_MAX_LENGTH} letters, digits, "-" or "_" (run ids name files and S3 prefixes)`);
    const input = runInputOf(request.input ?? '{}');
    const taken = request.name === undefined ? undefined : this.runs.store.startedAs(request.name);
    if (request.name !== undefined && taken !== undefined) return this.nameTaken(pipeline.name, request.name, taken, input);
    try {
      const record = this.runs.startRun(pipeline.name, input, request.name === undefined ? {} : { runId: request.name });
      return { executionArn: localExecutionArn(pipeline.name, record.runId), startDate: new Date(record.startedAt) };
    } catch (error) {
      if (!(error instanceof RunAlreadyExistsError)) throw error;
      // Started by another caller between the question and the start.
      return this.nameTaken(pipeline.name, error.runId, this.runs.store.startedAs(error.runId), input);
    }
  }

  private describeExecution({ executionArn }: RequestOf<'DescribeExecution'>): DescribeExecutionOutput {
    const record = this.runOf(executionArn);
    const output = TERMINAL_RUN_STATUSES.has(record.status) ? this.outputOf(record) : undefined;
    return {
      ...this.listItemOf(record),
      input: JSON.stringify(record.input),
      inputDetails: { included: true },
      ...(output === undefined ? {} : { output, outputDetails: { included: true } }),
      ...(record.error === undefined ? {} : { error: record.error.error, cause: record.error.cause }),
      redriveStatus: record.status === 'SUCCEEDED' || record.status === 'RUNNING' ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
    };
  }

  private listExecutions(request: RequestOf<'ListExecutions'>): ListExecutionsOutput {
    const pipeline = this.pipelineOf(request.stateMachineArn);
    const after = request.nextToken === undefined ? undefined : decodeToken(request.nextToken, listPosition);
    // Newest first; a page starts after the last run of the previous one, so runs started meanwhile never shift it.
    const size = pageSize(request.maxResults);
    const { runs } = this.runs.store.page({
      pipeline: pipeline.name,
      ...(request.statusFilter === undefined ? {} : { status: request.statusFilter }),
      ...(after === undefined ? {} : { after }),
      limit: size + 1,
    });
    const page = runs.slice(0, size);
    const last = page.at(-1);
    return {
      executions: page.map((record) => this.listItemOf(record)),
      ...(runs.length > size && last !== undefined ? { nextToken: encodeToken({ startedAt: last.startedAt, runId: last.runId }) } : {}),
    };
  }

  private stopExecution({ executionArn, error, cause }: RequestOf<'StopExecution'>): StopExecutionOutput {
    const record = this.runOf(executionArn);
    this.runs.abortRun(record.runId, cause ?? 'stopped through StopExecution', error ?? ERRORS.aborted);
    return { stopDate: new Date() };
  }

  private getExecutionHistory(request: RequestOf<'GetExecutionHistory'>): GetExecutionHistoryOutput {
    const record = this.runOf(request.executionArn);
    const from = request.nextToken === undefined ? undefined : decodeToken(request.nextToken, historyPosition).after;
    const size = pageSize(request.maxResults);
    const reverse = request.reverseOrder === true;
    // One more than asked says whether another page follows.
    const events = this.runs.store.historyPage(record.runId, { ...(from === undefined ? {} : { from }), reverse, limit: size + 1 });
    const page = events.slice(0, size);
    const last = page.at(-1);
    // includeExecutionData: false is accepted and ignored: events always carry their input and output.
    return { events: page, ...(events.length > size && last?.id !== undefined ? { nextToken: encodeToken({ after: last.id }) } : {}) };
  }

  private redriveExecution({ executionArn }: RequestOf<'RedriveExecution'>): RedriveExecutionOutput {
    const record = this.runOf(executionArn);
    try {
      const redriven = this.runs.redriveRun(record.runId);
      return { redriveDate: new Date(redriven.redriveDate ?? Date.now()) };
    } catch (error) {
      if (error instanceof RunNotRedrivableError) throw new StepFunctionsError('ExecutionNotRedrivable', error.message);
      throw error;
    }
  }

  private listItemOf(record: RunRecord): ExecutionListItem {
    return {
      executionArn: localExecutionArn(record.pipeline, record.runId),
      stateMachineArn: localStateMachineArn(record.pipeline),
      name: record.runId,
      status: record.status,
      startDate: new Date(record.startedAt),
      ...(record.stoppedAt === undefined ? {} : { stopDate: new Date(record.stoppedAt) }),
      ...(record.redriveCount === undefined ? {} : { redriveCount: record.redriveCount }),
      ...(record.redriveDate === undefined ? {} : { redriveDate: new Date(record.redriveDate) }),
    };
  }

  private outputOf(record: RunRecord): string | undefined {
    const [last] = this.runs.store.historyPage(record.runId, { reverse: true, limit: 1 });
    return last?.type === 'ExecutionSucceeded' ? last.executionSucceededEventDetails?.output : undefined;
  }

  private pipelineOf(stateMachineArn: string): PipelineSource {
    if (!stateMachineArn.startsWith('arn:aws:states:') || !stateMachineArn.includes(':stateMachine:'))
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${stateMachineArn}' is not a state machine ARN`);
    const pipeline = this.runs.pipelines.find((p) => localStateMachineArn(p.name) === stateMachineArn);
    if (pipeline === undefined)
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}' (local state machines: ${this.runs.pipelines.map((p) => localStateMachineArn(p.name)).join(', ') || 'none'})`,
      );
    return pipeline;
  }

  private runOf(executionArn: string): RunRecord {
    const match = /^arn:aws:states:[^:]*:[^:]*:execution:([^:]+):([^:]+)$/.exec(executionArn);
    if (match === null) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${executionArn}' is not an execution ARN`);
    const [, pipeline = '', runId = ''] = match;
    const missing = new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    try {
      const record = this.runs.store.get(runId);
      if (record.pipeline !== pipeline || localExecutionArn(pipeline, runId) !== executionArn) throw missing;
      return record;
    } catch (error) {
      if (error instanceof RunNotFoundError) throw missing;
      throw error;
    }
  }
}

/** The execution input as a run input: a JSON object whose `source` says what started it (steps read it). */
function runInputOf(text: string): RunInput {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new StepFunctionsError('InvalidExecutionInput', `Invalid State Machine Execution Input: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isJsonRecord(input))
    throw new StepFunctionsError('InvalidExecutionInput', 'input: Orchestra pipelines take a JSON object, e.g. {"source": "cli", "prefix": "ingest/<pipeline>/<dataset>/"}');
  const source = input['source'] ?? 'cli';
  const known = RUN_SOURCES.find((s) => s === source);
  if (known === undefined) throw new StepFunctionsError('InvalidExecutionInput', `input.source: "${String(source)}" is not one of ${RUN_SOURCES.join(', ')}`);
  return { ...input, source: known };
}
