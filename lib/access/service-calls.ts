/**
 * What answers a service step's wait may do, and what the shared service-call function (every
 * `service` step's code) may do: the statements the stack grants (lib/cdk/service-calls.ts) and the
 * local runtime enforces on a service step's calls. A wait is two objects under `waits/`
 * (lib/contract/service-call.ts); tokens are answered only for the state machines with service steps.
 */
import type { PipelineSource } from '../catalogue';
import { WAITS_PREFIX } from '../contract/step-event';
import { hasServiceSteps } from '../kinds/service/spec';
import { awaitedItemsOf } from '../runtime/keyed/keyed-trigger';
import { dataAccessStatements, type StatementSpec } from './statements';

/** Find and answer waits: read and delete wait records, list waits/ (so a callback id never issued is a 404, not a 403), answer the tokens. */
export function answerWaitsStatements(bucketArn: string, stateMachineArns: readonly string[]): StatementSpec[] {
  if (stateMachineArns.length === 0) return [];
  return [
    { effect: 'Allow', actions: ['s3:GetObject', 's3:DeleteObject'], resources: [`${bucketArn}/${WAITS_PREFIX}*`] },
    ...dataAccessStatements(bucketArn, { list: [WAITS_PREFIX] }),
    { effect: 'Allow', actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], resources: [...stateMachineArns] },
  ];
}

/** The pipelines whose state machines wait on service callbacks. */
export const servicePipelinesOf = (pipelines: readonly PipelineSource[]): string[] => pipelines.filter((source) => hasServiceSteps(source.graph)).map((source) => source.name);

/** The service-call function: answer waits, record them, and list the folders of awaited data items (one already there answers at once). */
export function serviceCallStatements(bucketArn: string, pipelines: readonly PipelineSource[], stateMachineArnOf: (pipeline: string) => string): StatementSpec[] {
  const awaited = [...new Set(pipelines.flatMap((source) => awaitedItemsOf(source.graph).map(({ dataPrefix, type }) => `${dataPrefix}${type}/`)))];
  return [
    ...answerWaitsStatements(bucketArn, servicePipelinesOf(pipelines).map(stateMachineArnOf)),
    { effect: 'Allow', actions: ['s3:PutObject'], resources: [`${bucketArn}/${WAITS_PREFIX}*`] },
    ...(awaited.length > 0 ? dataAccessStatements(bucketArn, { list: awaited }) : []),
  ];
}
