/**
 * A step's fingerprint for one run: what decides its result, as named parts with a digest each.
 * Contents, never modification times or run ids: the same case uploaded again under a new prefix, or
 * a dependency reused from another run, gives the same parts.
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import stringify from 'safe-stable-stringify';
import { outputPrefixFor, pipelineRunsPrefixFor, RESULT_FILE } from '../../lib/contract/step-event';
import { type Fingerprint, isReuseDecision, PART, type RecordedOutput, type ReuseCheckEvent, reuseDecisionKey } from '../../lib/contract/step-reuse';
import { recordObjects, sha256Of } from '../../lib/runtime/s3-digests';
import { listAllObjects } from '../../lib/runtime/s3-list';
import { isJsonRecord } from '../../lib/shared/json';
import { wildcardMatch } from '../../lib/shared/wildcard';
import { rebased } from './objects';
import { readRecord } from './store';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
/** Key order does not matter, so a canonical form: safe-stable-stringify sorts keys at every depth. */
export const digestOf = (value: unknown): string => sha256(stringify(value ?? null));

/** Run input fields that say how or where a run started, not what it computes from. */
const NOT_DECIDING = new Set(['source', 'bucket', 'prefix', 'keys', 'inputs', 'noReuse', 'parent']);

const isContainerTask = (value: unknown): boolean => isJsonRecord(value) && typeof value['taskArn'] === 'string' && Object.keys(value).length === 1;

/** A result as the run's id does not show in it: keys under the run's folder name `<run>`, an ECS task is any task. */
const runFree = (value: unknown, pipeline: string, runId: string): unknown =>
  isContainerTask(value)
    ? 'a container task (its files enter by content)'
    : rebased(value, `${pipelineRunsPrefixFor(pipeline)}${runId}/`, `${pipelineRunsPrefixFor(pipeline)}<run>/`);

/**
 * The run input's fields and files. A step that names its `inputs` takes only those files: its role
 * may read no other (lib/contract/step-access.ts grants `<input prefix>*<pattern>`, matched here the same way).
 */
async function inputParts(s3: S3Client, bucket: string, event: ReuseCheckEvent, parts: Record<string, string>): Promise<void> {
  const { input } = event;
  for (const [name, value] of Object.entries(input)) if (!NOT_DECIDING.has(name)) parts[PART.inputField(name)] = digestOf(value);
  const reads = (path: string): boolean => event.inputs === undefined || event.inputs.some((pattern) => wildcardMatch(`*${pattern}`, path));
  const inputBucket = typeof input['bucket'] === 'string' ? input['bucket'] : bucket;
  const prefix = typeof input['prefix'] === 'string' && input['prefix'] !== '' ? input['prefix'] : undefined;
  if (prefix !== undefined) {
    const files = (await listAllObjects(s3, inputBucket, prefix)).filter(({ key }) => reads(key.slice(prefix.length)));
    for (const { key } of files) parts[PART.inputFile(key.slice(prefix.length))] = await sha256Of(s3, inputBucket, key);
  }
  const keys = Array.isArray(input['keys']) ? input['keys'].filter((key): key is string => typeof key === 'string') : [];
  for (const key of keys) if ((prefix === undefined || !key.startsWith(prefix)) && reads(key)) parts[PART.inputKey(key)] = await sha256Of(s3, inputBucket, key);
  await dataItemParts(s3, inputBucket, input, parts);
}

/**
 * A keyed run's data items (its input's manifest, `{type: [{key, etag}]}`), by content and path in
 * their item's folder. The run's `key` stays a part of its own (an input field): a result may name it.
 */
async function dataItemParts(s3: S3Client, bucket: string, input: Readonly<Record<string, unknown>>, parts: Record<string, string>): Promise<void> {
  const manifest = input['inputs'];
  const runKey = input['key'];
  if (!isJsonRecord(manifest) || typeof runKey !== 'string') return;
  for (const [type, objects] of Object.entries(manifest)) {
    if (!Array.isArray(objects)) continue;
    for (const object of objects) {
      if (!isJsonRecord(object) || typeof object['key'] !== 'string') continue;
      const key = object['key'];
      const folder = `/${type}/${runKey}/`;
      const at = key.indexOf(folder);
      parts[PART.dataItem(type, at < 0 ? key : key.slice(at + folder.length))] = await sha256Of(s3, bucket, key);
    }
  }
}

/** A dependency's files in this run: from its decision when it has one (its digests are recorded), else read now. */
async function dependencyFiles(s3: S3Client, bucket: string, event: ReuseCheckEvent, dependency: string): Promise<readonly RecordedOutput[]> {
  const decision = await readRecord(s3, bucket, reuseDecisionKey(event.pipeline, dependency, event.runId), isReuseDecision);
  if (decision?.outputs !== undefined) return decision.outputs;
  return recordObjects(s3, bucket, outputPrefixFor(event.pipeline, event.runId, dependency));
}

export async function fingerprintOf(s3: S3Client, bucket: string, event: ReuseCheckEvent): Promise<Fingerprint> {
  const parts: Record<string, string> = { [PART.spec]: event.spec, [PART.code]: event.code, [PART.parameters]: event.parameters };
  await inputParts(s3, bucket, event, parts);
  for (const [dependency, result] of Object.entries(event.dependencies)) {
    parts[PART.dependency(dependency)] = digestOf(runFree(result, event.pipeline, event.runId));
    // result.json is the result itself (a container's), which entered just above without the run's id.
    for (const file of await dependencyFiles(s3, bucket, event, dependency)) if (file.path !== RESULT_FILE) parts[PART.dependencyFile(dependency, file.path)] = file.sha256;
  }
  // A grant may name the run's own folder ({runId}): its objects are named as the graph writes it, so runs compare.
  for (const pattern of event.reads) {
    const prefix = pattern.replaceAll('{runId}', event.runId);
    for (const { key } of await listAllObjects(s3, bucket, prefix)) parts[PART.read(`${pattern}${key.slice(prefix.length)}`)] = await sha256Of(s3, bucket, key);
  }
  return parts;
}

/** The entry key: one digest of every part. */
export const keyOf = (fingerprint: Fingerprint): string => digestOf(fingerprint);
