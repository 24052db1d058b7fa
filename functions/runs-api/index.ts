/**
 * The runs API function behind API Gateway (lib/cdk/runs-api.ts): middy's router and JSON body parser,
 * refusals answered as ./refusals.ts says, with Powertools logs. The pipelines are those whose descriptions the stack bundled;
 * their state machines follow from STATE_MACHINE_ARN_PREFIX.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpRouterHandler from '@middy/http-router';
import { bundledSetting, KEYED_TRIGGERS_SETTING, PIPELINE_DESCRIPTIONS_SETTING, parsePipelineDescriptions } from '../../lib/contract/bundled-config';
import { FUNCTION_ENV } from '../../lib/contract/environment';
import { ConfigurationError } from '../../lib/contract/errors';
import type { PipelineDescription } from '../../lib/contract/pipeline-description';
import { deployedStateMachineName } from '../../lib/contract/resource-names';
import { cloudWatchRunUsage } from '../../lib/runtime/cloudwatch-usage';
import { DynamoDbKeyLedger } from '../../lib/runtime/keyed/dynamodb-ledger';
import { parseKeyedTriggers } from '../../lib/runtime/keyed/keyed-trigger';
import { createS3Client } from '../../lib/runtime/s3-client';
import { cloudWatchRunLogs } from './cloudwatch-logs';
import type { RunsApiDependencies } from './context';
import { answerErrors } from './refusals';
import { type RouterOptions, runsApiRoutes } from './router';

const logger = new Logger({ serviceName: 'orchestra-runs-api' });

export function createRunsApiHandler(dependencies: RunsApiDependencies, options: RouterOptions = {}) {
  return middy(httpRouterHandler(runsApiRoutes(dependencies, options)))
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(httpJsonBodyParser({ disableContentTypeError: true }))
    .use({ onError: answerErrors(logger) });
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

/** The ECS cluster's Container Insights performance log group (set by the stack when it runs container steps). */
const containerInsightsLogGroup = process.env[FUNCTION_ENV.containerInsightsLogGroup];
const logsClient = new CloudWatchLogsClient({});

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
  logs: cloudWatchRunLogs(logsClient, descriptions),
  usage: cloudWatchRunUsage(logsClient, descriptions, containerInsightsLogGroup),
  ...(bucket === undefined ? {} : { data: { s3: createS3Client(), bucket } }),
  ...(keyTable === undefined || keyedTriggers === undefined
    ? {}
    : { keyed: { triggers: parseKeyedTriggers(keyedTriggers), ledger: new DynamoDbKeyLedger(new DynamoDBClient({}), keyTable) } }),
  ...(conductorFunction === undefined ? {} : { backfills: backfillsThrough(new LambdaClient({}), conductorFunction) }),
});
