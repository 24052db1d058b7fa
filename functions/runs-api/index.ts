/**
 * The runs API function behind API Gateway (lib/cdk/runs-api.ts): middy's router, JSON body parser
 * and HTTP error handler, with Powertools logs. The pipelines are those whose descriptions the stack bundled;
 * their state machines follow from STATE_MACHINE_ARN_PREFIX.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpRouterHandler from '@middy/http-router';
import { bundledSetting, KEYED_TRIGGERS_SETTING, PIPELINE_DESCRIPTIONS_SETTING } from '../../lib/contract/bundled-config';
import { FUNCTION_ENV } from '../../lib/contract/environment';
import { ConfigurationError } from '../../lib/contract/errors';
import { type PipelineDescription, parsePipelineDescriptions } from '../../lib/contract/pipeline-description';
import { deployedStateMachineName } from '../../lib/contract/resource-names';
import { DynamoDbKeyLedger } from '../../lib/runtime/keyed/dynamodb-ledger';
import { parseKeyedTriggers } from '../../lib/runtime/keyed/keyed-trigger';
import { createS3Client } from '../../lib/runtime/s3-client';
import { cloudWatchRunLogs } from './cloudwatch-logs';
import { type RunsApiDependencies, runsApiRoutes } from './routes';

const logger = new Logger({ serviceName: 'orchestra-runs-api' });

export function createRunsApiHandler(dependencies: RunsApiDependencies) {
  return (
    middy(httpRouterHandler(runsApiRoutes(dependencies)))
      .use(injectLambdaContext(logger, { logEvent: false }))
      .use(httpJsonBodyParser({ disableContentTypeError: true }))
      .use(
        httpErrorHandler({
          // Client mistakes are warnings; anything else is an error, answered without internals.
          logger: (error: Error & { statusCode?: number }) =>
            (error.statusCode ?? 500) < 500 ? logger.warn('request refused', { error }) : logger.error('request failed', error as Error),
          fallbackMessage: JSON.stringify({ message: 'internal error: see the runs API function logs' }),
        }),
      )
      // Runs before the error handler (middy runs onError last-added first): every refusal is a JSON body.
      .use({ onError: jsonRefusals })
  );
}

/** What the body parser's own refusals (422, a text body) mean, answered 400 with JSON as every other mistake is. */
const BODY_PARSER_REFUSALS: Readonly<Record<string, string>> = {
  'Invalid or malformed JSON was provided': 'body: not valid JSON — send a JSON object such as {"input": {"prefix": "ingest/<pipeline>/<dataset>/"}}',
  'Forbidden key in JSON body': 'body: holds a key named "__proto__" or "constructor", which could change how it is read — rename or remove it',
};

function jsonRefusals(request: { error: unknown }): void {
  const { error } = request;
  if (!(error instanceof Error) || !('statusCode' in error) || typeof error.statusCode !== 'number' || error.statusCode >= 500) return;
  if (error.message.startsWith('{')) return;
  const bodyRefusal = Object.hasOwn(BODY_PARSER_REFUSALS, error.message) ? BODY_PARSER_REFUSALS[error.message] : undefined;
  Object.assign(error, {
    statusCode: bodyRefusal === undefined ? error.statusCode : 400,
    message: JSON.stringify(bodyRefusal === undefined ? { message: error.message } : { message: bodyRefusal, field: 'body' }),
  });
}

function descriptionsOf(json: string): Record<string, PipelineDescription> {
  const parsed = parsePipelineDescriptions(json);
  if ('problem' in parsed) throw new ConfigurationError(parsed.problem);
  return parsed.descriptions;
}

const bucket = process.env[FUNCTION_ENV.bucket];
const arnPrefix = process.env[FUNCTION_ENV.stateMachineArnPrefix];
const stackName = process.env[FUNCTION_ENV.stackName] ?? '';
const keyTable = process.env['KEY_TABLE'];
// Written beside the bundle by the stack (lib/cdk/runs-api.ts): descriptions have no room in Lambda's 4 KB of environment.
/** When a pipeline has a keyed trigger, with KEY_TABLE: the ledger read for GET /keys/{key}. */
const keyedTriggers = bundledSetting(KEYED_TRIGGERS_SETTING);
const descriptions = descriptionsOf(bundledSetting(PIPELINE_DESCRIPTIONS_SETTING) ?? '{}');

/** The conductor works backfills through (set by the stack when a pipeline has a keyed trigger). */
const conductorFunction = process.env['CONDUCTOR_FUNCTION'];

/** Asynchronous: the API answers at once; the conductor works the backfill at its rate and reports progress in its record. */
export const backfillsThrough = (lambda: LambdaClient, functionName: string) => ({
  start: async (id: string): Promise<void> => {
    await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: JSON.stringify({ backfill: { id } }) }));
  },
});

export const handler = createRunsApiHandler({
  sfn: new SFNClient({}),
  // Set by the stack (this module is also imported locally, where the local server passes its own pipelines).
  pipelines: Object.fromEntries(Object.keys(descriptions).flatMap((name) => (arnPrefix === undefined ? [] : [[name, `${arnPrefix}${deployedStateMachineName(stackName, name)}`]]))),
  descriptions,
  logs: cloudWatchRunLogs(new CloudWatchLogsClient({}), descriptions),
  ...(bucket === undefined ? {} : { data: { s3: createS3Client(), bucket } }),
  ...(keyTable === undefined || keyedTriggers === undefined
    ? {}
    : { keyed: { triggers: parseKeyedTriggers(keyedTriggers), ledger: new DynamoDbKeyLedger(new DynamoDBClient({}), keyTable) } }),
  ...(conductorFunction === undefined ? {} : { backfills: backfillsThrough(new LambdaClient({}), conductorFunction) }),
});
