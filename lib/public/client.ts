/**
 * `orchestra/client` — the typed client of the runs API, for a lab's own scripts and services: one
 * method per route (start, list, inspect, cancel, redrive runs; logs, outputs, keys, backfills), its
 * requests and answers typed from the API's route table and every answer checked against its schema.
 * Unsigned for `orchestra up`; SigV4 (`sigV4Transport`) for a deployed stack's API Gateway.
 *
 * @example
 * ```ts
 * import { createRunsClient, sigV4Transport } from 'orchestra/client';
 * const runs = createRunsClient({ baseUrl: process.env.RUNS_API_URL!, transport: sigV4Transport({ region: 'eu-west-1' }) });
 * const { body } = await runs.startRun({ pipeline: 'flood', body: { input: { prefix: 'ingest/flood/valley/' } } });
 * ```
 *
 * @packageDocumentation
 */
export { createRunsClient, RunsApiError, RunsApiUnreachable, type RunsClient, type RunsClientOptions } from '../client/runs-client';
export { type Credentials, executeApiRegionOf, type RequestSigner, signedTransport, sigV4Transport } from '../client/sigv4-transport';
export { fetchTransport, type HttpAnswer, type HttpRequest, type Transport } from '../client/transport';
export type {
  BackfillProgress,
  DryRun,
  KeyReport,
  LogLine,
  PipelineAnswer,
  PipelineList,
  PipelineSummary,
  RefusalAnswer,
  RunDetail,
  RunList,
  RunLogsAnswer,
  RunOutput,
  RunOutputsAnswer,
  RunSummary,
  StartedRun,
  StepOutcome,
} from '../contract/run-answers';
export type { BackfillRequest, CallbackRequest, StartRunRequest } from '../contract/runs-api';
export type { AnswerOf, OperationId, RequestOf } from '../contract/runs-api-routes';
