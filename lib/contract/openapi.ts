/**
 * The runs API's OpenAPI 3.1 document. Request bodies come from the same zod schemas the function
 * validates with (lib/contract/runs-api.ts) and API Gateway's models are built from, so the three
 * cannot drift; answers are described here. Committed as schema/openapi.json (a test fails when it
 * is stale) and served by `orchestra up` at /openapi.json.
 */
import * as z from 'zod/mini';
import { DEFAULT_OUTPUTS_LISTED, MAX_OUTPUTS_ANSWER_BYTES, MAX_OUTPUTS_LISTED, OUTPUT_URL_SECONDS, PREVIEW_MAX_BYTES } from './run-outputs';
import { backfillRequestSchema, callbackRequestSchema, startRunRequestSchema } from './runs-api';
import { RUN_STATUSES } from './statuses';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: unknown) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: jsonContent(ref('Error')) });
const location = { Location: { description: 'Where the run is: GET it to follow the run', schema: { type: 'string' } } };

const pipelineParameter = { name: 'pipeline', in: 'path', required: true, schema: { type: 'string' }, description: 'Pipeline name (its graph `name`)' };
const runIdParameter = { name: 'runId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,80}$' }, description: 'Run id (the execution name)' };

/** The document as committed (schema/openapi.json) and served. */
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Orchestra runs API',
      version: '1',
      description: 'Start, list, inspect, cancel and redrive pipeline runs. The same API locally (`orchestra up`) and on a deployed stack (API Gateway, IAM-signed requests).',
    },
    paths: {
      '/runs': {
        get: {
          summary: 'List runs across pipelines, newest first',
          parameters: [
            { name: 'pipeline', in: 'query', schema: { type: 'string' } },
            { name: 'status', in: 'query', schema: { enum: [...RUN_STATUSES] } },
            {
              name: 'key',
              in: 'query',
              schema: { type: 'string', minLength: 1 },
              description:
                "Runs started for it, exactly: a keyed run's observation id, a per-object run's object key, a dataset run's folder (with or without its final \"/\"). Runs started by the triggers, or by this API without a runId, are found; a run named by its caller is found by its id",
            },
            { name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Runs started at or after this time' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
            { name: 'nextToken', in: 'query', schema: { type: 'string' }, description: 'From the previous page' },
          ],
          responses: { 200: { description: 'A page of runs', content: jsonContent(ref('RunList')) }, 400: error('A bad filter or token'), 404: error('No such pipeline') },
        },
      },
      '/keys/{key}': {
        parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' }, description: "A keyed trigger's key, e.g. an observation id" }],
        get: {
          summary: 'What the keyed triggers recorded for a key, per pipeline: types arrived, types missing, runs started',
          responses: { 200: { description: 'The key', content: jsonContent(ref('KeyReport')) }, 404: error('No data item with this key reached a keyed pipeline') },
        },
      },
      '/backfills': {
        post: {
          summary: 'Decide again for keys of keyed pipelines, through the conductor, at a rate (nothing starts twice; "manual" pipelines run again)',
          requestBody: { required: true, content: jsonContent(ref('BackfillRequest')) },
          responses: {
            202: { description: 'Planned and handed to the conductor', headers: location, content: jsonContent(ref('Backfill')) },
            400: error('Not a backfill request, or nothing to backfill'),
            501: error('This deployment has no keyed pipelines'),
          },
        },
      },
      '/backfills/{backfillId}': {
        parameters: [{ name: 'backfillId', in: 'path', required: true, schema: { type: 'string' } }],
        get: { summary: "A backfill's progress", responses: { 200: { description: 'The backfill', content: jsonContent(ref('Backfill')) }, 404: error('No such backfill') } },
      },
      '/callbacks/{callbackId}': {
        parameters: [
          { name: 'callbackId', in: 'path', required: true, schema: { type: 'string' }, description: 'From the callbackUrl a service step sent; it is the credential (no IAM)' },
        ],
        post: {
          summary: 'An external service answers its service step: succeeded (with a small output), failed, or running (a heartbeat)',
          security: [],
          requestBody: { required: true, content: jsonContent(ref('CallbackRequest')) },
          responses: {
            200: { description: 'Delivered to the waiting step' },
            400: error('The body is not a callback'),
            404: error('No step waits on this callback (answered already, or not a URL Orchestra sent)'),
            410: error('The step has ended (timed out, failed or stopped)'),
          },
        },
      },
      '/pipelines/{pipeline}': {
        parameters: [pipelineParameter],
        get: {
          summary: 'A pipeline: its steps, kinds, dependencies and triggers',
          responses: { 200: { description: 'The pipeline', content: jsonContent(ref('Pipeline')) }, 404: error('No such pipeline') },
        },
      },
      '/pipelines/{pipeline}/runs/{runId}/logs': {
        parameters: [pipelineParameter, runIdParameter],
        get: {
          summary: "A run's log lines across its steps, oldest first",
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000 } },
            { name: 'nextToken', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            200: { description: 'A page of lines', content: jsonContent(ref('RunLogs')) },
            404: error('No such run'),
            501: error('Logs are not served by this deployment'),
          },
        },
      },
      '/pipelines/{pipeline}/runs/{runId}/outputs': {
        parameters: [pipelineParameter, runIdParameter],
        get: {
          summary: `What a run wrote, a page at a time in key order: presigned URLs to show and download each file (valid ${OUTPUT_URL_SECONDS} s), the text of small text files; a page ends early rather than answer over ${MAX_OUTPUTS_ANSWER_BYTES} bytes`,
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_OUTPUTS_LISTED, default: DEFAULT_OUTPUTS_LISTED } },
            { name: 'nextToken', in: 'query', schema: { type: 'string' }, description: 'From the previous page' },
          ],
          responses: {
            200: { description: "The run's outputs", content: jsonContent(ref('RunOutputs')) },
            404: error('No such run'),
            501: error('Outputs are not served by this deployment'),
          },
        },
      },
      '/pipelines': {
        get: { summary: 'List the pipelines', responses: { 200: { description: 'The pipelines', content: jsonContent(ref('PipelineList')) } } },
      },
      '/pipelines/{pipeline}/runs': {
        parameters: [pipelineParameter],
        get: {
          summary: "List a pipeline's runs, newest first",
          parameters: [
            { name: 'status', in: 'query', schema: { enum: [...RUN_STATUSES] } },
            { name: 'nextToken', in: 'query', schema: { type: 'string' }, description: 'From the previous page' },
          ],
          responses: { 200: { description: 'A page of runs', content: jsonContent(ref('RunList')) }, 400: error('A bad filter or token'), 404: error('No such pipeline') },
        },
        post: {
          summary: 'Start a run',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
              description: 'The same key returns the same run (200) instead of starting another',
            },
            { name: 'dryRun', in: 'query', schema: { enum: ['true', 'false'] }, description: 'Check the request and start nothing' },
          ],
          requestBody: { required: true, content: jsonContent(ref('StartRunRequest')) },
          responses: {
            202: { description: 'Started', headers: location, content: jsonContent(ref('StartedRun')) },
            200: { description: 'The run this Idempotency-Key started before, or the dry run’s verdict', headers: location, content: jsonContent({}) },
            400: error('A mistake in the request; `field` names it'),
            404: error('No such pipeline'),
            409: error('The run id is used'),
          },
        },
      },
      '/pipelines/{pipeline}/runs/{runId}': {
        parameters: [pipelineParameter, runIdParameter],
        get: {
          summary: 'A run with its steps',
          responses: { 200: { description: 'The run', content: jsonContent(ref('Run')) }, 400: error('A bad run id'), 404: error('No such run') },
        },
        delete: { summary: 'Cancel a run', responses: { 202: { description: 'Cancelling', headers: location }, 404: error('No such run') } },
      },
      '/pipelines/{pipeline}/runs/{runId}/redrive': {
        parameters: [pipelineParameter, runIdParameter],
        post: {
          summary: 'Run again the failed steps of a FAILED, TIMED_OUT or ABORTED run',
          responses: { 202: { description: 'Redriven', headers: location }, 404: error('No such run'), 409: error('The run cannot be redriven') },
        },
      },
    },
    components: {
      schemas: {
        StartRunRequest: z.toJSONSchema(startRunRequestSchema, { target: 'draft-2020-12', io: 'input' }),
        BackfillRequest: z.toJSONSchema(backfillRequestSchema, { target: 'draft-2020-12', io: 'input' }),
        Backfill: {
          type: 'object',
          required: ['id', 'status', 'total', 'done', 'outcomes'],
          properties: {
            id: { type: 'string' },
            status: { enum: ['RUNNING', 'SUCCEEDED', 'FAILED'] },
            total: { type: 'integer', description: '(pipeline, key) decisions planned' },
            done: { type: 'integer' },
            outcomes: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Decisions so far by outcome: start, duplicate, wait, grace, expired' },
            ratePerSecond: { type: 'number' },
            createdAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            error: { type: 'string' },
          },
        },
        CallbackRequest: z.toJSONSchema(callbackRequestSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
        Error: {
          type: 'object',
          required: ['message'],
          properties: { message: { type: 'string' }, field: { type: 'string', description: 'The JSON path, query parameter or header to fix' } },
        },
        PipelineList: {
          type: 'object',
          properties: {
            pipelines: {
              type: 'array',
              items: { type: 'object', properties: { name: { type: 'string' }, stateMachineArn: { type: 'string' }, schedule: ref('Schedule') } },
            },
          },
        },
        Schedule: {
          type: 'object',
          description: "A pipeline's schedule, when it has one",
          required: ['expression', 'timezone'],
          properties: {
            expression: { type: 'string', description: 'EventBridge Scheduler expression, e.g. cron(0 2 * * ? *)' },
            timezone: { type: 'string', description: 'IANA time zone the expression is read in' },
            next: { type: 'string', format: 'date-time', description: 'The next fire (absent when the expression has no more)' },
          },
        },
        Pipeline: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            description: { type: 'string' },
            stateMachineArn: { type: 'string' },
            steps: { type: 'object', additionalProperties: { type: 'object', properties: { kind: { type: 'string' }, dependsOn: { type: 'array', items: { type: 'string' } } } } },
            trigger: { type: 'object' },
            inputPrefixes: {
              type: 'array',
              items: { type: 'string' },
              description: "Key prefixes its steps may read run inputs from (their IAM, besides the pipeline's runs): a start's input.prefix and input.keys must be under one",
            },
            schedule: ref('Schedule'),
          },
        },
        RunLogs: {
          type: 'object',
          properties: {
            lines: { type: 'array', items: { type: 'object', properties: { time: { type: 'string' }, step: { type: 'string' }, message: { type: 'string' } } } },
            nextToken: { type: 'string' },
          },
        },
        RunOutputs: {
          type: 'object',
          required: ['pipeline', 'runId', 'prefix', 'outputs', 'truncated'],
          properties: {
            pipeline: { type: 'string' },
            runId: { type: 'string' },
            prefix: { type: 'string', description: "The run's prefix in the data bucket" },
            truncated: { type: 'boolean', description: 'More files than this page: ask again with nextToken' },
            nextToken: { type: 'string', description: 'Where the next page starts' },
            outputs: {
              type: 'array',
              items: {
                type: 'object',
                required: ['key', 'step', 'path', 'size', 'contentType', 'url', 'downloadUrl'],
                properties: {
                  key: { type: 'string' },
                  step: { type: 'string', description: 'The step that wrote it ("" for a file outside step folders)' },
                  path: { type: 'string', description: "Its path under the step's folder" },
                  size: { type: 'integer' },
                  contentType: { type: 'string' },
                  url: { type: 'string', format: 'uri', description: 'Presigned GET, shown inline' },
                  downloadUrl: { type: 'string', format: 'uri', description: 'Presigned GET, saved as a file' },
                  preview: { type: 'string', description: `The text of a text file up to ${PREVIEW_MAX_BYTES} bytes` },
                  unfinished: { type: 'boolean', enum: [true], description: 'Written by a step that did not succeed (failed, stopped or still running): it may be incomplete' },
                },
              },
            },
          },
        },
        StartedRun: {
          type: 'object',
          properties: { pipeline: { type: 'string' }, runId: { type: 'string' }, executionArn: { type: 'string' }, startedAt: { type: 'string', format: 'date-time' } },
        },
        KeyReport: {
          type: 'object',
          required: ['key', 'pipelines'],
          properties: {
            key: { type: 'string' },
            pipelines: {
              type: 'array',
              items: {
                type: 'object',
                required: ['pipeline', 'state', 'firstSeen', 'arrived', 'missing', 'runs'],
                properties: {
                  pipeline: { type: 'string' },
                  state: { enum: ['WAITING', 'READY', 'EXPIRED'] },
                  firstSeen: { type: 'string', format: 'date-time' },
                  readyAt: { type: 'string', format: 'date-time' },
                  expiredAt: { type: 'string', format: 'date-time' },
                  arrived: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: { type: { type: 'string' }, objectKey: { type: 'string' }, etag: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
                    },
                  },
                  missing: { type: 'array', items: { type: 'string' } },
                  runs: {
                    type: 'array',
                    items: { type: 'object', properties: { runId: { type: 'string' }, version: { type: 'string' }, claimedAt: { type: 'string' }, status: { type: 'string' } } },
                  },
                },
              },
            },
          },
        },
        RunList: {
          type: 'object',
          properties: {
            pipeline: { type: 'string' },
            runs: {
              type: 'array',
              items: {
                type: 'object',
                properties: { runId: { type: 'string' }, status: { enum: [...RUN_STATUSES] }, startedAt: { type: 'string' }, stoppedAt: { type: 'string' } },
              },
            },
            nextToken: { type: 'string' },
          },
        },
        Run: {
          type: 'object',
          properties: {
            pipeline: { type: 'string' },
            runId: { type: 'string' },
            status: { enum: [...RUN_STATUSES] },
            startedAt: { type: 'string' },
            stoppedAt: { type: 'string' },
            input: { type: 'object' },
            error: { type: 'string' },
            cause: { type: 'string' },
            redrivenAt: { type: 'array', items: { type: 'string', format: 'date-time' }, description: 'When the run was redriven, oldest first' },
            steps: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                properties: {
                  status: { enum: ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED'] },
                  attempts: { type: 'integer' },
                  error: { type: 'string', description: 'The last attempt that failed' },
                  cause: { type: 'string' },
                  startedAt: { type: 'string', format: 'date-time' },
                  stoppedAt: { type: 'string', format: 'date-time', description: 'When its last attempt ended' },
                },
              },
            },
          },
        },
      },
    },
  };
}
