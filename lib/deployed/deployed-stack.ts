/**
 * A client for a deployed Orchestra stack (AWS, or LocalStack through an endpoint URL): finds the
 * bucket and state machines from the stack outputs, uploads datasets to the ingest prefix, works out
 * which execution an upload starts (the trigger's naming is deterministic: lib/runtime/ingest.ts)
 * and follows it through @aws-sdk/client-sfn. Used by the LocalStack smoke script and by the
 * end-to-end tests when they target a deployed stack.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ExecutionDoesNotExist, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { PipelineDescription } from '../contract/pipeline-description';
import { parseStepLogGroups, STACK_OUTPUTS } from '../contract/stack-outputs';
import type { RunStatus } from '../contract/statuses';
import { executionArnOf, readExecutionHistory, runIdOf, type StepOutcome, stepOutcomesFrom } from '../runtime/execution-history';
import { decideIngest, type IngestTrigger } from '../runtime/ingest';
import { localCredentialsOf, runningEndpoints } from '../runtime/local-endpoints';
import { withReuseOutcomes } from '../runtime/reuse-outcomes';
import { listAllObjects } from '../runtime/s3-list';
import { OrchestraError } from '../shared/errors';
import { parseJsonObject } from '../shared/json';

export interface DeployedStackOptions {
  /**
   * An endpoint URL such as http://localhost:4566 (LocalStack), "aws" for the account in the
   * environment, or "local:<data folder>" for the `orchestra up` serving that folder (its S3 and
   * Step Functions endpoints stand in for the stack: the same calls, the deployed handlers behind them).
   */
  readonly endpoint: string;
  /** @default "Orchestra" */
  readonly stackName?: string;
  readonly region?: string;
}

export interface DeployedRun {
  readonly runId: string;
  readonly executionArn: string;
  readonly status: RunStatus;
  /** The steps that ran (a step that never started is absent). */
  readonly steps: Readonly<Record<string, StepOutcome>>;
}

/** The stack cannot be used: not reachable, not deployed, or missing outputs. The message says what to do. */
export class DeployedStackError extends OrchestraError {
  override readonly name = 'DeployedStackError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('deployed-stack', message, options);
  }
}

const LOCALSTACK_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const LOCAL_PREFIX = 'local:';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DeployedStack {
  private constructor(
    readonly endpointLabel: string,
    readonly bucket: string,
    private readonly outputs: Readonly<Record<string, string>>,
    readonly s3: S3Client,
    private readonly sfn: SFNClient,
    private readonly logs: CloudWatchLogsClient | undefined,
  ) {}

  /** Connects and reads the stack outputs; fails fast with what to do when the stack is not there. */
  static async connect(options: DeployedStackOptions): Promise<DeployedStack> {
    if (options.endpoint.startsWith(LOCAL_PREFIX)) return DeployedStack.connectLocal(options.endpoint.slice(LOCAL_PREFIX.length));
    const stackName = options.stackName ?? 'Orchestra';
    const region = options.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
    const onAws = options.endpoint === 'aws';
    const hasCredentials = process.env['AWS_ACCESS_KEY_ID'] !== undefined || process.env['AWS_PROFILE'] !== undefined;
    const common = {
      region,
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 30_000 },
      ...(onAws ? {} : { endpoint: options.endpoint, ...(hasCredentials ? {} : { credentials: LOCALSTACK_CREDENTIALS }) }),
    };
    const label = onAws ? `AWS (${region})` : options.endpoint;
    const cloudFormation = new CloudFormationClient(common);
    let stackOutputs: Record<string, string>;
    try {
      const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
      stackOutputs = Object.fromEntries(
        (Stacks?.[0]?.Outputs ?? []).flatMap((o) => (o.OutputKey === undefined || o.OutputValue === undefined ? [] : [[o.OutputKey, o.OutputValue]])),
      );
    } catch (error) {
      throw new DeployedStackError(explainConnectError(error, label, stackName));
    } finally {
      cloudFormation.destroy();
    }
    const bucket = stackOutputs[STACK_OUTPUTS.dataBucket];
    if (bucket === undefined) throw new DeployedStackError(`stack ${stackName} at ${label} has no ${STACK_OUTPUTS.dataBucket} output: is it an Orchestra stack, fully deployed?`);
    return new DeployedStack(label, bucket, stackOutputs, new S3Client({ ...common, forcePathStyle: !onAws }), new SFNClient(common), new CloudWatchLogsClient(common));
  }

  /** The `orchestra up` serving `dataDir`, its state machines found through ListStateMachines. */
  private static async connectLocal(dataDir: string): Promise<DeployedStack> {
    const endpoints = runningEndpoints(dataDir);
    if (endpoints === undefined) throw new DeployedStackError(`no \`orchestra up\` is serving ${dataDir}: start it (npx orchestra up --data-dir ${dataDir})`);
    const common = { region: 'us-east-1', credentials: { ...localCredentialsOf(dataDir) }, maxAttempts: 2 };
    const sfn = new SFNClient({ ...common, endpoint: endpoints.stepFunctions });
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const outputs: Record<string, string> = { [STACK_OUTPUTS.dataBucket]: endpoints.bucket, [STACK_OUTPUTS.runsApiUrl]: endpoints.runsApi };
    for (const { name, stateMachineArn } of stateMachines) if (name !== undefined && stateMachineArn !== undefined) outputs[STACK_OUTPUTS.stateMachineArn(name)] = stateMachineArn;
    const s3 = new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true });
    // Step logs live in the local run database, not CloudWatch: `orchestra logs` reads them.
    return new DeployedStack(`orchestra up (${dataDir})`, endpoints.bucket, outputs, s3, sfn, undefined);
  }

  stateMachineArn(pipeline: string): string {
    const arn = this.outputs[STACK_OUTPUTS.stateMachineArn(pipeline)];
    if (arn === undefined) throw new DeployedStackError(`the deployed stack has no pipeline "${pipeline}": deploy again after adding state-machines/${pipeline}.graph.json`);
    return arn;
  }

  /** Uploads one object; returns its ETag without quotes. */
  async upload(key: string, body: string | Uint8Array): Promise<string> {
    const { ETag } = await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
    return (ETag ?? '').replace(/"/g, '');
  }

  async download(key: string): Promise<Buffer> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  }

  async listKeys(prefix: string): Promise<string[]> {
    return (await listAllObjects(this.s3, this.bucket, prefix)).map((o) => o.key);
  }

  /**
   * Uploads files in order and returns the execution ARN the trigger starts for them. The name is
   * computed with the trigger's own logic, so this needs no listing of executions.
   */
  async uploadDataset(trigger: IngestTrigger, prefix: string, files: ReadonlyArray<readonly [name: string, body: string | Uint8Array]>): Promise<string> {
    let last: { key: string; etag: string } | undefined;
    for (const [name, body] of files) {
      const key = `${prefix}${name}`;
      last = { key, etag: await this.upload(key, body) };
    }
    if (last === undefined) throw new DeployedStackError('uploadDataset: the dataset has no files — pass at least one file to upload');
    const decision = await decideIngest(
      trigger,
      { bucket: this.bucket, key: last.key, etag: last.etag },
      (datasetPrefix) => listAllObjects(this.s3, this.bucket, datasetPrefix),
      async (key) => (await (await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))).Body?.transformToString('utf8')) ?? '',
    );
    if (decision.action !== 'start') throw new DeployedStackError(`these uploads start no run (${decision.action}): ${decision.reason}`);
    return this.executionArnFor(trigger.pipeline, decision.runName);
  }

  executionArnFor(pipeline: string, runName: string): string {
    return executionArnOf(this.stateMachineArn(pipeline), runName);
  }

  /** Waits for the execution to exist (the trigger is asynchronous) and to end. */
  async waitForRun(executionArn: string, options: { timeoutMs?: number; onProgress?: (status: string) => void; description?: PipelineDescription } = {}): Promise<DeployedRun> {
    const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
    let lastStatus = '';
    for (;;) {
      let status: RunStatus | 'NOT_STARTED' = 'NOT_STARTED';
      try {
        status = ((await this.sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'RUNNING') as RunStatus;
      } catch (error) {
        if (!(error instanceof ExecutionDoesNotExist)) throw error;
      }
      if (status !== lastStatus) options.onProgress?.(status);
      lastStatus = status;
      if (status !== 'NOT_STARTED' && status !== 'RUNNING')
        return { runId: runIdOf(executionArn), executionArn, status, steps: await this.stepsOf(executionArn, options.description) };
      if (Date.now() > deadline) {
        throw new DeployedStackError(
          status === 'NOT_STARTED'
            ? `no execution ${executionArn} after ${options.timeoutMs ?? 900_000} ms: the upload trigger did not start it; read the IngestTrigger function's CloudWatch logs and the Undelivered queue`
            : `${executionArn} still ${status} after ${options.timeoutMs ?? 900_000} ms`,
        );
      }
      await sleep(2000);
    }
  }

  /** Executions of `pipeline` whose input matches (newest 1,000 at most: enough to check a test's runs). */
  async countExecutions(pipeline: string, matches: (input: Record<string, unknown>) => boolean): Promise<number> {
    const { executions } = await this.sfn.send(new ListExecutionsCommand({ stateMachineArn: this.stateMachineArn(pipeline), maxResults: 1000 }));
    let count = 0;
    for (const { executionArn } of executions ?? []) {
      const { input } = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (matches(parseJsonObject(input ?? '{}', `the input of ${executionArn}`))) count += 1;
    }
    return count;
  }

  /**
   * Per-step outcome from the execution history: attempts are the Task's scheduled invocations. With
   * the pipeline's description, the Tasks around a reused step speak for it (lib/runtime/reuse-outcomes.ts).
   */
  async stepsOf(executionArn: string, description?: PipelineDescription): Promise<Record<string, StepOutcome>> {
    const history = await readExecutionHistory(this.sfn, executionArn);
    return withReuseOutcomes(stepOutcomesFrom(history), history, description);
  }

  /** Log lines of one step that mention `text` (e.g. the run id), from its CloudWatch log group. */
  async stepLogLines(pipeline: string, stepId: string, text: string): Promise<string[]> {
    const groups = parseStepLogGroups(this.outputs[STACK_OUTPUTS.stepLogGroups(pipeline)] ?? '');
    const logGroupName = groups[stepId];
    if (logGroupName === undefined) throw new DeployedStackError(`no log group for ${pipeline}/${stepId} in the stack outputs`);
    if (this.logs === undefined) throw new DeployedStackError(`${this.endpointLabel} has no CloudWatch Logs: read step logs with \`orchestra logs <run-id>\``);
    const { events } = await this.logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern: JSON.stringify(text) }));
    return (events ?? []).flatMap((e) => (e.message === undefined ? [] : [e.message]));
  }

  close(): void {
    for (const client of [this.s3, this.sfn, this.logs]) client?.destroy();
  }
}

function explainConnectError(error: unknown, label: string, stackName: string): string {
  type NodeError = { name?: string; code?: string; message?: string; cause?: NodeError; errors?: NodeError[] };
  const err = error as NodeError;
  // Network failures arrive as Error, AggregateError (one per address tried) or a wrapped cause.
  const code =
    [err.code, err.cause?.code, ...(err.errors ?? []).map((e) => e.code), /\b(E[A-Z]{4,})\b/.exec(err.message ?? '')?.[1], err.name].find(
      (c) => c !== undefined && c !== '' && c !== 'Error',
    ) ?? 'error';
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|TimeoutError|ETIMEDOUT/.test(`${code} ${err.message ?? ''}`)) {
    return `cannot reach ${label} (${code}). For LocalStack: start it (docker compose -f localstack/docker-compose.yml up -d) and deploy (npm run deploy:local).`;
  }
  if (/does not exist/.test(err.message ?? '')) return `stack ${stackName} is not deployed at ${label}: run npm run deploy:local (LocalStack) or npm run deploy (AWS) first.`;
  return `cannot read stack ${stackName} at ${label}: ${err.message ?? String(error)}`;
}
