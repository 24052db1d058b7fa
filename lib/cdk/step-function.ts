/** One place for the Lambda defaults of every step function (runtime, architecture, bundling, logs). */
import { posix } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge, XRAY_REASON } from './nag';

/**
 * How every step function is bundled; `npm run bench` builds the handlers with exactly these options
 * to report bundle sizes. The AWS SDK v3 is in the Lambda runtime: bundling it again only adds megabytes.
 */
export const STEP_BUNDLING = { minify: true, sourceMap: true, target: 'node24', format: OutputFormat.CJS, externalModules: ['@aws-sdk/*'] } as const satisfies BundlingOptions;

export interface StepFunctionProps {
  /** Absolute path of the handler module (TypeScript), exporting `handler`. */
  readonly entry: string;
  /** The log group's name (lib/contract/log-groups.ts). @default a name CloudFormation generates */
  readonly logGroupName?: string;
  /** esbuild `define`: identifiers replaced by these expressions at bundle time. */
  readonly define?: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** @default 300 */
  readonly timeoutSeconds?: number;
  readonly environment?: Record<string, string>;
  /** Project root: where package-lock.json is. */
  readonly projectRoot: string;
  /** Project-relative data files copied into the bundle at the same path (a step's `files`). */
  readonly files?: readonly string[];
  /** Receives asynchronous invocations (e.g. upload events) that still fail after Lambda's retries. */
  readonly deadLetterQueue?: IQueue;
}

/** Copies data files into the bundle after esbuild, keeping their project-relative paths (Lambda's LAMBDA_TASK_ROOT is the bundle). */
function copyIntoBundle(files: readonly string[]): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      files.map((file) => `mkdir -p "${posix.join(outputDir, posix.dirname(file))}" && cp "${posix.join(inputDir, file)}" "${posix.join(outputDir, file)}"`),
  };
}

export class StepFunction extends NodejsFunction {
  /** The execution role: CloudWatch Logs for its own log group and X-Ray, plus what the caller grants. */
  declare readonly role: IRole;

  constructor(scope: Construct, id: string, props: StepFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.logGroupName === undefined ? {} : { logGroupName: props.logGroupName }),
    });
    // Our own role instead of AWSLambdaBasicExecutionRole, whose log permissions cover every log group.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Orchestra step function ${id}` });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      ...(props.deadLetterQueue === undefined ? {} : { deadLetterQueueEnabled: true, deadLetterQueue: props.deadLetterQueue }),
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMiB ?? 512,
      timeout: Duration.seconds(props.timeoutSeconds ?? 300),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_METRICS_NAMESPACE: 'Orchestra', ...props.environment },
      bundling: {
        ...STEP_BUNDLING,
        externalModules: [...STEP_BUNDLING.externalModules],
        ...(props.define === undefined ? {} : { define: props.define }),
        ...(props.files === undefined || props.files.length === 0 ? {} : { commandHooks: copyIntoBundle(props.files) }),
      },
    });
    acknowledge(role, 'AwsSolutions-IAM5', XRAY_REASON, 'Resource::*');
  }
}
