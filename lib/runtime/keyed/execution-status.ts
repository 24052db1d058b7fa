/**
 * Step Functions' own "Execution Status Change" events (EventBridge, default bus): the conductor
 * turns those of keyed runs into activity events, so a deployed stack reports `started`,
 * `succeeded` and `failed` as `orchestra up` does. zod/mini, as for upload events: the conductor
 * bundles this.
 */
import * as z from 'zod/mini';
import { type ActivityEvent, activityOfRun } from '../../contract/activity';
import { deployedStateMachineName } from '../../contract/resource-names';
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

/** The pipeline a deployed state machine runs: its name without the stack's `orchestra-` prefix. */
function pipelineOf(stateMachineArn: string): string {
  const name = stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1);
  const prefix = deployedStateMachineName('');
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** The activity a status change stands for; undefined for runs that are not keyed. Throws, naming the fields, on a malformed event. */
export function activityOfStatusChange(event: unknown): ActivityEvent | undefined {
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
  return activityOfRun({ pipeline: pipelineOf(detail.stateMachineArn), runId: detail.name, status: detail.status, input, time: time ?? new Date().toISOString() });
}
