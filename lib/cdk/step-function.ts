/**
 * One place for the Lambda defaults of every function the stack deploys (runtime, architecture,
 * bundling, logs, role): a lab's step handlers, bundled from the lab's project by NodejsFunction, and
 * Orchestra's built-in functions, which arrive prebuilt inside the package.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, type FunctionOptions, Function as LambdaFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BUNDLE_FILE, bundleLambdaSync, LAMBDA_BUNDLE, type LambdaBundle, materialise, writeLambdaBundle } from '../bundling/lambda-bundle';
import { BUNDLED_CONFIG_FILE, type BundledConfig } from '../contract/bundled-config';
import { type BuiltinFunctionName, builtinFunctionCode } from '../shared/builtin-functions';
import { InvariantError } from '../shared/errors';
import { acknowledge, XRAY_REASON } from './nag';

/** LAMBDA_BUNDLE (lib/bundling), spelled for NodejsFunction; `npm run bench` measures bundles with the same options. */
export const STEP_BUNDLING = {
  minify: LAMBDA_BUNDLE.minify,
  sourceMap: LAMBDA_BUNDLE.sourcemap,
  target: LAMBDA_BUNDLE.target,
  format: OutputFormat.CJS,
  externalModules: [...LAMBDA_BUNDLE.external],
} as const satisfies BundlingOptions;

/** What every function the stack deploys may set. */
interface CommonFunctionProps {
  /** The log group's name (lib/contract/log-groups.ts). @default a name CloudFormation generates */
  readonly logGroupName?: string;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** @default 300 */
  readonly timeoutSeconds?: number;
  readonly environment?: Record<string, string>;
  /** Receives asynchronous invocations (e.g. upload events) that still fail after Lambda's retries. */
  readonly deadLetterQueue?: IQueue;
}

/** A step handler of the project, and its function's settings. */
export interface StepFunctionProps extends CommonFunctionProps {
  /** Absolute path of the handler module (TypeScript), exporting `handler`, under `projectRoot`. */
  readonly entry: string;
  /** The project the handler belongs to (a lab's repository): where its package-lock.json is. */
  readonly projectRoot: string;
  /** Project-relative data files copied into the bundle at the same path (a step's `files`). */
  readonly files?: readonly string[];
}

/** Which of Orchestra's own functions, and its function's settings. */
export interface BuiltinFunctionProps extends CommonFunctionProps {
  readonly builtin: BuiltinFunctionName;
  /** Per-stack settings written beside the bundle (lib/contract/bundled-config.ts). */
  readonly config?: BundledConfig;
}

/** Our own role instead of AWSLambdaBasicExecutionRole, whose log permissions cover every log group. */
function functionDefaults(scope: Construct, id: string, props: CommonFunctionProps): FunctionOptions & { role: IRole } {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    ...(props.logGroupName === undefined ? {} : { logGroupName: props.logGroupName }),
  });
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Orchestra step function ${id}` });
  logGroup.grantWrite(role);
  return {
    role,
    ...(props.deadLetterQueue === undefined ? {} : { deadLetterQueueEnabled: true, deadLetterQueue: props.deadLetterQueue }),
    architecture: Architecture.ARM_64,
    memorySize: props.memoryMiB ?? 512,
    timeout: Duration.seconds(props.timeoutSeconds ?? 300),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_METRICS_NAMESPACE: 'Orchestra', ...props.environment },
  };
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

/** A lab's step handler, bundled by esbuild from the lab's own project. */
export class StepFunction extends NodejsFunction {
  /** The execution role: CloudWatch Logs for its own log group and X-Ray, plus what the caller grants. */
  declare readonly role: IRole;

  constructor(scope: Construct, id: string, props: StepFunctionProps) {
    const defaults = functionDefaults(scope, id, props);
    super(scope, id, {
      ...defaults,
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      bundling: {
        ...STEP_BUNDLING,
        externalModules: [...STEP_BUNDLING.externalModules],
        ...(props.files === undefined || props.files.length === 0 ? {} : { commandHooks: copyIntoBundle(props.files) }),
      },
    });
    acknowledge(defaults.role, 'AwsSolutions-IAM5', XRAY_REASON, 'Resource::*');
  }
}

/** Built-in bundles made from sources in this process (a checkout of Orchestra), by name. */
const bundledFromSource = new Map<string, LambdaBundle>();

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * A folder holding the built-in function's bundle and its per-stack settings, named by their content
 * (so synthesizing again reuses it, and an upgraded package never reuses an old one). The package's
 * prebuilt bundle is copied; a checkout bundles its sources with the same options (lib/bundling).
 */
function stagedBuiltin(name: BuiltinFunctionName, config: BundledConfig | undefined): string {
  const code = builtinFunctionCode(name);
  const configText = config === undefined ? '' : `${JSON.stringify(config)}\n`;
  let codeHash: string;
  let fillCode: (dir: string) => void;
  if (code.source !== undefined) {
    const bundle = bundledFromSource.get(code.source) ?? bundleLambdaSync(code.source);
    bundledFromSource.set(code.source, bundle);
    codeHash = bundle.hash;
    fillCode = (dir) => writeLambdaBundle(bundle, dir);
  } else {
    const prebuilt = join(code.prebuiltDir, BUNDLE_FILE);
    if (!existsSync(prebuilt)) throw new InvariantError(`Orchestra's built-in function ${name} is missing from ${code.prebuiltDir}: reinstall the orchestra package`);
    codeHash = sha256(readFileSync(prebuilt, 'utf8'));
    fillCode = (dir) => cpSync(code.prebuiltDir, dir, { recursive: true });
  }
  const identity = sha256(`${name}\n${codeHash}\n${configText}`).slice(0, 16);
  return materialise(join(tmpdir(), 'orchestra-functions', `${name}-${identity}`), (dir) => {
    fillCode(dir);
    if (configText !== '') writeFileSync(join(dir, BUNDLED_CONFIG_FILE), configText);
  });
}

/** One of Orchestra's own functions (runs API, triggers, conductor, simulate, service calls). */
export class BuiltinFunction extends LambdaFunction {
  declare readonly role: IRole;

  constructor(scope: Construct, id: string, props: BuiltinFunctionProps) {
    const defaults = functionDefaults(scope, id, props);
    super(scope, id, { ...defaults, code: Code.fromAsset(stagedBuiltin(props.builtin, props.config)), handler: 'index.handler', runtime: Runtime.NODEJS_24_X });
    acknowledge(defaults.role, 'AwsSolutions-IAM5', XRAY_REASON, 'Resource::*');
  }
}

/** Any function the stack deploys: both kinds carry their own role. */
export type OrchestraFunction = StepFunction | BuiltinFunction;
