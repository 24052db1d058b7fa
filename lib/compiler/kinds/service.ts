import { PLACEHOLDERS, ref } from '../../contract/placeholders';
import { CALLBACK_OUTPUT_MAX_BYTES } from '../../contract/runs-api';
import { BODY_REFERENCES, isBodyReference } from '../../contract/service-call';
import { DEFAULT_DATA_PREFIX } from '../../contract/step-event';
import type { ServiceStep } from '../../graph/schema';
import { isJsonRecord } from '../../shared/json';
import type { JsonObject } from '../asl';
import { type CompileKind, type StepBuildContext, stepEventParameters } from './task';

/** `{key}`-style values become `"<field>.$": <path>` (objects only: Step Functions evaluates no paths inside arrays, the graph check refuses them there). */
export function bodyParameters(body: Readonly<Record<string, unknown>>): JsonObject {
  const out: JsonObject = {};
  for (const [field, value] of Object.entries(body)) {
    if (isBodyReference(value)) out[`${field}.$`] = BODY_REFERENCES[value];
    else if (isJsonRecord(value)) out[field] = bodyParameters(value);
    else out[field] = JSON.parse(JSON.stringify(value ?? null));
  }
  return out;
}

const defaultBody = (keyed: boolean): Record<string, string> => (keyed ? { key: '{key}', inputs: '{inputs}' } : { runId: '{runId}', input: '{input}' });

/** Characters States.Format reads as syntax, escaped. */
const formatLiteral = (text: string): string => text.replace(/[\\'{}]/g, (c) => `\\${c}`);

function serviceSettings({ graph, step }: StepBuildContext<ServiceStep>): JsonObject {
  const keyed = graph.trigger?.mode === 'keyed';
  const settings: JsonObject = { url: step.url, body: bodyParameters(step.body ?? defaultBody(keyed)) };
  if (step.awaitsDataItem !== undefined) {
    const dataPrefix = (graph.trigger?.mode === 'keyed' ? graph.trigger.dataPrefix : undefined) ?? DEFAULT_DATA_PREFIX;
    settings['awaits.$'] = `States.Format('${formatLiteral(`${dataPrefix}${step.awaitsDataItem}/`)}{}/',$.input.key)`;
  }
  return settings;
}

/**
 * The shared service-call function (functions/service-call) records the wait and calls the service;
 * the Task then waits on its token, which the service's callback or the awaited item answers.
 */
export const serviceCompile: CompileKind<ServiceStep> = {
  buildTask: (context) => ({
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: {
      FunctionName: ref(PLACEHOLDERS.serviceCallFunction),
      Payload: { ...stepEventParameters(context), service: serviceSettings(context), 'taskToken.$': '$$.Task.Token' },
    },
    ...(context.step.heartbeatSeconds === undefined ? {} : { HeartbeatSeconds: context.step.heartbeatSeconds }),
  }),
  /** A callback's output (capped) or the awaited item's key and ETag. */
  resultBytes: () => CALLBACK_OUTPUT_MAX_BYTES,
  /** Whatever the service answers on its callback. */
  resultType: () => 'unknown',
};
