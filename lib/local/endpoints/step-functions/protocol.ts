/**
 * The AWS JSON 1.0 protocol of Step Functions as the local endpoint speaks it: the request of each
 * operation checked field by field (AWS answers a bad field with ValidationException naming it), the
 * error names AWS uses, and the wire form of answers (dates as epoch seconds).
 */
import { z } from 'zod';
import { OrchestraError } from '../../../shared/errors';

/** The error names (`__type`) of the operations served, as the SDK's exception classes read them. */
export type StepFunctionsErrorType =
  | 'ExecutionDoesNotExist'
  | 'ExecutionAlreadyExists'
  | 'ExecutionNotRedrivable'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidOutput'
  | 'InvalidName'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'UnknownOperationException'
  | 'ValidationException';

/** A refusal the client gets as AWS sends it: HTTP 400, `{"__type": type, "message": …}`. */
export class StepFunctionsError extends OrchestraError {
  override readonly name = 'StepFunctionsError';
  constructor(
    readonly type: StepFunctionsErrorType,
    message: string,
  ) {
    super('step-functions', message);
  }
}

const arn = z.string().min(1).max(2048);
const maxResults = z.int().min(0).max(1000).optional();
const nextToken = z.string().min(1).max(1024).optional();
const taskToken = z.string().min(1).max(2048);

/** The operations served and their requests; AWS ignores fields it does not know, and so does this endpoint. */
export const REQUESTS = {
  ListStateMachines: z.looseObject({ maxResults, nextToken }),
  DescribeStateMachine: z.looseObject({ stateMachineArn: arn }),
  StartExecution: z.looseObject({ stateMachineArn: arn, name: z.string().optional(), input: z.string().max(262_144).optional(), traceHeader: z.string().optional() }),
  DescribeExecution: z.looseObject({ executionArn: arn }),
  ListExecutions: z.looseObject({
    stateMachineArn: arn,
    statusFilter: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']).optional(),
    maxResults,
    nextToken,
  }),
  StopExecution: z.looseObject({ executionArn: arn, error: z.string().max(256).optional(), cause: z.string().max(32_768).optional() }),
  GetExecutionHistory: z.looseObject({ executionArn: arn, maxResults, reverseOrder: z.boolean().optional(), nextToken, includeExecutionData: z.boolean().optional() }),
  RedriveExecution: z.looseObject({ executionArn: arn, clientToken: z.string().optional() }),
  SendTaskSuccess: z.looseObject({ taskToken, output: z.string().max(262_144) }),
  SendTaskFailure: z.looseObject({ taskToken, error: z.string().max(256).optional(), cause: z.string().max(32_768).optional() }),
  SendTaskHeartbeat: z.looseObject({ taskToken }),
} as const;

export type Operation = keyof typeof REQUESTS;
export type RequestOf<O extends Operation> = z.infer<(typeof REQUESTS)[O]>;

export const isOperation = (name: string): name is Operation => Object.hasOwn(REQUESTS, name);

/** The request of `operation`, or a ValidationException naming each bad field as AWS does. */
export function parseRequest<O extends Operation>(operation: O, body: unknown): RequestOf<O> {
  const parsed = REQUESTS[operation].safeParse(body);
  // zod types the generic lookup REQUESTS[O] as the union of every request; the schema parsed is O's own.
  if (parsed.success) return parsed.data as RequestOf<O>;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`);
  throw new StepFunctionsError('ValidationException', `${problems.length} validation error(s) detected: ${problems.join('; ')}`);
}

/** JSON 1.0 sends timestamps as epoch seconds (fractions allowed), which the SDK turns back into Dates. */
export function toWire(answer: unknown): string {
  return JSON.stringify(answer, function (this: Record<string, unknown>, key, value: unknown) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : value;
  });
}

/** Opaque paging tokens: the position after the last item returned, base64url JSON. */
export function encodeToken(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeToken<T>(token: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw new StepFunctionsError('InvalidToken', 'nextToken: not a token this endpoint gave — list again without it');
  }
}
