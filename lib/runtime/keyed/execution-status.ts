/**
 * Step Functions' own "Execution Status Change" events (EventBridge, default bus): the conductor
 * turns those of keyed runs into activity events, so a deployed stack reports `started`,
 * `succeeded` and `failed` as `orchestra up` does. zod/mini, as for upload events: the conductor
 * bundles this.
 */
import * as z from 'zod/mini';
import { type ActivityEvent, activityOfRun } from '../../contract/activity';
import { OrchestraError } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';

export class StatusChangeEventError extends OrchestraError {
  override readonly name = 'StatusChangeEventError';
  constructor(message: string) {
    super('status-change-event', message);
  }
}

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

const statusChangeSchema = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
  time: z.optional(z.string()),
  detail: z.object({
    stateMachineArn: z.string(),
    name: z.string(),
    status: z.string(),
    /** Null when the input was over 256 KiB (keyed inputs never are). */
    input: z.nullish(z.string()),
  }),
});

/** Whether the event claims to be a status change (then it must parse as one). */
export const isExecutionStatusChange = (event: unknown): boolean => isJsonRecord(event) && event['source'] === 'aws.states';

/**
 * The activity a status change stands for; undefined for runs that are not keyed. `pipelineOf` names
 * the pipeline a state machine runs (names are stack-scoped: the caller knows its pipelines); a machine
 * it does not know is named by its own name. Throws, naming the fields, on a malformed event.
 */
export function activityOfStatusChange(event: unknown, pipelineOf: (stateMachineArn: string) => string | undefined = () => undefined): ActivityEvent | undefined {
  const parsed = statusChangeSchema.safeParse(event);
  if (!parsed.success)
    throw new StatusChangeEventError(
      `not a Step Functions status change: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ')}`,
    );
  const { detail, time } = parsed.data;
  let input: unknown;
  try {
    input = JSON.parse(detail.input ?? 'null');
  } catch {
    input = null;
  }
  if (!isJsonRecord(input)) return undefined;
  return activityOfRun({
    pipeline: pipelineOf(detail.stateMachineArn) ?? detail.stateMachineArn.slice(detail.stateMachineArn.lastIndexOf(':') + 1),
    runId: detail.name,
    status: detail.status,
    input,
    time: time ?? new Date().toISOString(),
  });
}
