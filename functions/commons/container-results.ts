/**
 * A container step's result, for the steps after it, is the result.json it wrote under its output
 * prefix. Step Functions only knows the ECS task (`{"taskArn": …}`, the container Task's
 * ResultSelector), so the wrappers every handler and Node container runs in (stepHandler,
 * containerStep) put the file in its place before the step's own code sees its dependencies — the
 * same on AWS and locally. A container that wrote no result.json stays `{"taskArn": …}`.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PermanentStepError } from '../../lib/contract/errors';
import { itemOutputPrefixFor, outputPrefixFor, RESULT_FILE } from '../../lib/contract/step-event';
import { isJsonRecord } from '../../lib/shared/json';

/** What a container Task returns (lib/kinds/container/compile.ts): its ECS task, nothing else. */
const isContainerTask = (value: unknown): boolean =>
  isJsonRecord(value) && Object.keys(value).length === 1 && typeof value['taskArn'] === 'string' && value['taskArn'].startsWith('arn:aws:ecs:');

const isMissing = (error: unknown): boolean => isJsonRecord(error) && (error['name'] === 'NoSuchKey' || error['name'] === 'NotFound');

async function resultAt(s3: S3Client, bucket: string, key: string, task: unknown): Promise<unknown> {
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (isMissing(error)) return task;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new PermanentStepError(`${key} is not JSON: a container step writes its result there as JSON (containerStep does it for you)`);
  }
}

export interface RunOfStep {
  readonly pipeline: string;
  readonly runId: string;
}

/** `dependencies` with each container step's result replaced by its result.json (per item for a forEach container). */
export async function withContainerResults(dependencies: Readonly<Record<string, unknown>>, run: RunOfStep, s3: S3Client, bucket: string): Promise<Record<string, unknown>> {
  const resolved: Record<string, unknown> = {};
  for (const [step, value] of Object.entries(dependencies)) {
    if (isContainerTask(value)) resolved[step] = await resultAt(s3, bucket, `${outputPrefixFor(run.pipeline, run.runId, step)}${RESULT_FILE}`, value);
    else if (Array.isArray(value) && value.length > 0 && value.every(isContainerTask))
      resolved[step] = await Promise.all(value.map((task, index) => resultAt(s3, bucket, `${itemOutputPrefixFor(run.pipeline, run.runId, step, index)}${RESULT_FILE}`, task)));
    else resolved[step] = value;
  }
  return resolved;
}
