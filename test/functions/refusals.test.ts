/** The runs API's refusals (functions/runs-api/refusals.ts): one JSON shape, one log line without a stack. */
import { Logger } from '@aws-lambda-powertools/logger';
import { createError } from '@middy/util';
import { describe, expect, it, vi } from 'vitest';
import { answerErrors, Refusal } from '../../functions/runs-api/refusals';

const logger = new Logger({ serviceName: 'test' });
const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
const answered = (thrown: unknown) => {
  const request: { error: unknown; response: unknown } = { error: thrown, response: undefined };
  answerErrors(logger)(request);
  return request.response;
};

describe('runs API refusals', () => {
  it('answers a refusal with its status and {message, field}, logged once as a warning with no stack', () => {
    expect(answered(new Refusal(400, 'body.runId: 1-80 letters', 'body.runId'))).toEqual({
      statusCode: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'body.runId: 1-80 letters', field: 'body.runId' }),
    });
    expect(warn).toHaveBeenLastCalledWith('request refused', { status: 400, reason: 'body.runId: 1-80 letters', field: 'body.runId' });
    expect(JSON.stringify(warn.mock.lastCall)).not.toContain('stack');
  });

  it("answers the body parser's refusals as 400 naming the body, and the router's as they are", () => {
    expect(answered(createError(422, 'Invalid or malformed JSON was provided'))).toMatchObject({ statusCode: 400, body: expect.stringContaining('"field":"body"') });
    expect(answered(createError(404, 'Route does not exist'))).toMatchObject({ statusCode: 404, body: JSON.stringify({ message: 'Route does not exist' }) });
  });

  it('answers anything else 500 without internals, logged as an error', () => {
    expect(answered(new Error('socket hang up at 10.0.0.1'))).toMatchObject({
      statusCode: 500,
      body: JSON.stringify({ message: 'internal error: see the runs API function logs' }),
    });
    expect(error).toHaveBeenCalledWith('request failed', expect.objectContaining({ message: 'socket hang up at 10.0.0.1' }));
  });
});
