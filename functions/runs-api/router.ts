/**
 * The runs API's router, built from the route table (lib/contract/runs-api-routes.ts): each route's
 * handler is a file under ./routes, typed by its row of the table — its answers' statuses and bodies
 * are the table's, checked by the compiler. Locally and in the tests the router also checks each answer
 * against its schema at run time, so the OpenAPI document and the typed client never describe an
 * answer the function does not give.
 */
import type { Route } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type AnswerBodyOf, answerProblem, type OperationId, routeEntries, type SuccessStatus } from '../../lib/contract/runs-api-routes';
import { InvariantError } from '../../lib/shared/errors';
import { type ApiEvent, RouteContext, type RunsApiDependencies } from './context';
import { answerServiceCallback } from './routes/answer-service-callback';
import { cancelRun } from './routes/cancel-run';
import { describeBackfill } from './routes/describe-backfill';
import { describeKey } from './routes/describe-key';
import { describePipeline } from './routes/describe-pipeline';
import { explainStep } from './routes/explain-step';
import { inspectRun } from './routes/inspect-run';
import { listOutputs } from './routes/list-outputs';
import { listPipelines } from './routes/list-pipelines';
import { listRuns } from './routes/list-runs';
import { listRunsEverywhere } from './routes/list-runs-everywhere';
import { readLogs } from './routes/read-logs';
import { redriveRun } from './routes/redrive-run';
import { startBackfill } from './routes/start-backfill';
import { startRun } from './routes/start-run';

/** What a handler answers: one of its route's success statuses, the body that status takes, and where to follow it. */
export type RouteAnswer<Op extends OperationId> = {
  [S in SuccessStatus<Op>]: { readonly status: S; readonly body: AnswerBodyOf<Op, S>; readonly location?: string };
}[SuccessStatus<Op>];

export type RouteHandler<Op extends OperationId> = (event: ApiEvent, api: RouteContext) => Promise<RouteAnswer<Op>>;

/** One handler per route of the table: a route without one does not compile. */
const HANDLERS: { readonly [Op in OperationId]: RouteHandler<Op> } = {
  listPipelines,
  listRunsEverywhere,
  describeKey,
  describePipeline,
  readLogs,
  listOutputs,
  explainStep,
  listRuns,
  startRun,
  inspectRun,
  cancelRun,
  redriveRun,
  answerServiceCallback,
  startBackfill,
  describeBackfill,
};

export interface RouterOptions {
  /** Check every answer against its schema in the table (an InvariantError when one does not fit). @default false */
  readonly checkAnswers?: boolean;
}

/** Where the client reaches the API: the stage prefix API Gateway adds (e.g. /v1) is kept in a Location. */
const stageOf = (event: ApiEvent): string => {
  const fullPath = event.requestContext?.path ?? event.path;
  return fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
};

export function runsApiRoutes(dependencies: RunsApiDependencies, options: RouterOptions = {}): Array<Route<APIGatewayProxyEvent, APIGatewayProxyResult>> {
  const context = new RouteContext(dependencies);
  return routeEntries().map(([operation, route]) => ({
    method: route.method,
    path: route.path,
    handler: async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
      const answer = await HANDLERS[operation](event, context);
      const problem = options.checkAnswers === true ? answerProblem(route, answer.status, answer.body) : undefined;
      if (problem !== undefined) throw new InvariantError(`runs API ${operation}: ${problem}`);
      return {
        statusCode: answer.status,
        headers: { 'content-type': 'application/json', ...(answer.location === undefined ? {} : { location: `${stageOf(event)}${answer.location}` }) },
        body: JSON.stringify(answer.body),
      };
    },
  }));
}
