/** An external pipeline service: called over HTTP, awaited through a task token (lib/contract/service-call.ts). */

import { type Issue, type IssueCode, issue } from '../../contract/issues';
import { type BodyReference, isBodyReference, KEYED_REFERENCES } from '../../contract/service-call';
import { isJsonRecord } from '../../shared/json';
import type { LooseStep, StepKindSpec } from '../spec';
import { SERVICE_CALL_MEMORY_MIB, SERVICE_DEFAULT_TIMEOUT_SECONDS, serviceStepSchema } from './schema';

interface FoundReference {
  readonly reference: BodyReference;
  readonly at: Array<string | number>;
  /** Step Functions evaluates no paths inside arrays: there a reference would be sent as its literal text. */
  readonly inArray: boolean;
}

/** Body references found at any depth, with their path. */
function referencesIn(value: unknown, at: ReadonlyArray<string | number>, inArray = false): FoundReference[] {
  if (isBodyReference(value)) return [{ reference: value, at: [...at], inArray }];
  if (Array.isArray(value)) return value.flatMap((item, index) => referencesIn(item, [...at, index], true));
  if (isJsonRecord(value)) return Object.entries(value).flatMap(([key, item]) => referencesIn(item, [...at, key], inArray));
  return [];
}

/**
 * What is wrong with the `{key}`-style references of a body (a service's body, a child pipeline's
 * input): one inside a list is sent as its text, and a keyed reference outside a keyed pipeline has no value.
 */
export function referenceIssues(body: unknown, at: ReadonlyArray<string | number>, keyed: boolean, code: IssueCode): Issue[] {
  const found: Issue[] = [];
  for (const { reference, at: path, inArray } of referencesIn(body, at)) {
    if (inArray)
      found.push(
        issue(
          code,
          path,
          `"${reference}" inside a list would be sent as its text: Step Functions fills references only in object fields`,
          'give it a field of its own, e.g. {"obs_id": "{key}"}',
        ),
      );
    else if (!keyed && KEYED_REFERENCES.includes(reference))
      found.push(issue(code, path, `"${reference}" is only known in keyed pipelines`, 'use "{runId}" or "{input}", or give the pipeline a keyed trigger'));
  }
  return found;
}

/** ASL requires HeartbeatSeconds below TimeoutSeconds. */
function checkHeartbeat(step: LooseStep, graph: Readonly<Record<string, unknown>>): Issue[] {
  const heartbeat = step.raw['heartbeatSeconds'];
  const defaults = graph['defaults'];
  const timeout = step.raw['timeoutSeconds'] ?? (isJsonRecord(defaults) ? defaults['timeoutSeconds'] : undefined) ?? SERVICE_DEFAULT_TIMEOUT_SECONDS;
  if (typeof heartbeat !== 'number' || typeof timeout !== 'number' || heartbeat < timeout) return [];
  return [
    issue(
      'invalid-service',
      ['steps', step.id, 'heartbeatSeconds'],
      `${heartbeat} s is not shorter than the step's timeout (${timeout} s)`,
      'lower it: a heartbeat must come more often than the timeout',
    ),
  ];
}

/** Whether a graph calls external services: it then needs the service-call function and a callback URL. */
export const hasServiceSteps = (graph: { readonly steps: Readonly<Record<string, { readonly kind: string }>> }): boolean =>
  Object.values(graph.steps).some((step) => step.kind === 'service');

export const serviceKind: StepKindSpec<typeof serviceStepSchema> = {
  schema: serviceStepSchema,
  defaults: { timeoutSeconds: SERVICE_DEFAULT_TIMEOUT_SECONDS, estimatedSeconds: () => 60, memoryMiB: SERVICE_CALL_MEMORY_MIB, runsOn: 'lambda', billedSecondsPerRun: 1 },
  diagramShape: ['[/', '/]'],
  check(step, { graph }) {
    const trigger = graph['trigger'];
    const keyed = isJsonRecord(trigger) && trigger['mode'] === 'keyed';
    const at = ['steps', step.id];
    const found: Issue[] = [...checkHeartbeat(step, graph), ...referenceIssues(step.raw['body'], [...at, 'body'], keyed, 'invalid-service')];
    if (!keyed && step.raw['awaitsDataItem'] !== undefined)
      found.push(
        issue(
          'invalid-service',
          [...at, 'awaitsDataItem'],
          'awaiting a data item needs a key: only keyed pipelines have one',
          'give the pipeline a keyed trigger, or remove "awaitsDataItem" (the service then calls back)',
        ),
      );
    return found;
  },
};
