/** One place for the Lambda defaults of every step function (runtime, architecture, bundling, logs). */
import { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface StepFunctionProps {
  /** Absolute path of the handler module (TypeScript), exporting `handler`. */
  readonly entry: string;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** @default 300 */
  readonly timeoutSeconds?: number;
  readonly environment?: Record<string, string>;
  /** Project root: where package-lock.json is. */
  readonly projectRoot: string;
}

export class StepFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: StepFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    super(scope, id, {
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
      // The AWS SDK v3 is in the Lambda runtime: bundling it again only adds megabytes.
      bundling: { minify: true, sourceMap: true, target: 'node24', format: OutputFormat.CJS, externalModules: ['@aws-sdk/*'] },
    });
  }
}
