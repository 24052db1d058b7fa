import { z } from 'zod';
import { commonStepFields, dataTypeSchema } from '../step-fields';

/** A day: services take hours; the heartbeat, when set, notices a dead one sooner. */
export const SERVICE_DEFAULT_TIMEOUT_SECONDS = 86_400;
/** The one service-call function's memory, deployed (lib/cdk/service-calls.ts) and local alike. */
export const SERVICE_CALL_MEMORY_MIB = 256;

/** A body field name; one ending in ".$" would make Step Functions read its value as a path. */
const bodyField = z.string().refine((key) => !key.endsWith('.$'), {
  message: 'body keys must not end in ".$" (Step Functions would read them as paths): use a "{key}"-style reference as the value',
});

/** Step Functions caps HeartbeatSeconds like TimeoutSeconds; a service that beats slower than this is not watched. */
const MAX_HEARTBEAT_SECONDS = 31_536_000;

export const serviceStepSchema = z
  .strictObject({
    kind: z.literal('service'),
    ...commonStepFields,
    url: z
      .url({ protocol: /^https?$/, message: 'url must be an http(s) URL, e.g. "http://qpo-ecl-pipeline:5000/pipeline"' })
      .describe('The external pipeline service. The step POSTs its body, plus "callbackUrl", to <url>/processing; any 2xx answer means accepted.'),
    body: z
      .record(bodyField, z.json())
      .optional()
      .describe(
        'What the service is sent. A string value that is exactly "{key}", "{inputs}", "{runId}" or "{input}" becomes the keyed run\'s key, its input manifest, the run id or the whole run input. @default {"key": "{key}", "inputs": "{inputs}"} in keyed pipelines, {"runId": "{runId}", "input": "{input}"} otherwise',
      ),
    awaitsDataItem: dataTypeSchema
      .optional()
      .describe(
        "A data type the service writes for the run's key (keyed pipelines only): the step succeeds when an object lands under <dataPrefix><type>/<key>/, even if the service never calls back.",
      ),
    heartbeatSeconds: z
      .int()
      .min(1)
      .max(MAX_HEARTBEAT_SECONDS)
      .optional()
      .describe('The step fails with States.HeartbeatTimeout when the service sends no callback (a {"status": "running"} heartbeat counts) for this long. @default - no heartbeat'),
  })
  .describe('Calls an external pipeline service over HTTP and waits until it calls back, or until the data item it makes appears.');
