/**
 * How the runs API answers what it will not do: one shape, `{"message", "field"?}`, the field (a JSON
 * path, a query parameter or a header) being the one to fix, and one log line without a stack — a
 * client's mistake is not the function's failure. Anything else is a 500 that says where to look,
 * logged with its stack.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';

/** A request refused: its status (4xx), what was wrong, and the field to fix. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** What the body parser's own refusals (422, a text body) mean, answered 400 as every other mistake is. */
const BODY_PARSER_REFUSALS: Readonly<Record<string, string>> = {
  'Invalid or malformed JSON was provided': 'body: not valid JSON — send a JSON object such as {"input": {"prefix": "ingest/<pipeline>/<dataset>/"}}',
  'Forbidden key in JSON body': 'body: holds a key named "__proto__" or "constructor", which could change how it is read — rename or remove it',
};

/** The refusal an error stands for: ours, or a middleware's (the router's 404/405, the body parser's 422); undefined for a failure. */
function refusalOf(error: unknown): Refusal | undefined {
  if (error instanceof Refusal) return error;
  if (!(error instanceof Error) || !('statusCode' in error) || typeof error.statusCode !== 'number' || error.statusCode >= 500) return undefined;
  const bodyRefusal = Object.hasOwn(BODY_PARSER_REFUSALS, error.message) ? BODY_PARSER_REFUSALS[error.message] : undefined;
  return bodyRefusal === undefined ? new Refusal(error.statusCode, error.message) : new Refusal(400, bodyRefusal, 'body');
}

const answer = (statusCode: number, body: unknown): APIGatewayProxyResult => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** middy `onError`: the answer to any error a route or middleware threw. */
export function answerErrors(logger: Logger) {
  return (request: { error: unknown; response: unknown }): void => {
    const refusal = refusalOf(request.error);
    if (refusal !== undefined) {
      const body = { message: refusal.message, ...(refusal.field === undefined ? {} : { field: refusal.field }) };
      // `message` is the log line's own key in Powertools: the refusal's goes as `reason`.
      logger.warn('request refused', { status: refusal.statusCode, reason: refusal.message, ...(refusal.field === undefined ? {} : { field: refusal.field }) });
      request.response = answer(refusal.statusCode, body);
      return;
    }
    logger.error('request failed', request.error instanceof Error ? request.error : new Error(String(request.error)));
    request.response = answer(500, { message: 'internal error: see the runs API function logs' });
  };
}
