/** A container step's result, for the steps after it, is its result.json, read in by the wrappers before the step's own code runs. */
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { withContainerResults } from '../../functions/commons/container-results';

const TASK = { taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/orchestra/abc' };

/** An S3 client holding these objects (key → text); a missing key answers NoSuchKey, as S3 does. */
function s3With(objects: Record<string, string>): { client: S3Client; reads: string[] } {
  const reads: string[] = [];
  const send = async (command: { input: { Key?: string } }) => {
    const key = command.input.Key ?? '';
    reads.push(key);
    if (!Object.hasOwn(objects, key)) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return { Body: { transformToString: async () => objects[key] } };
  };
  return { client: { send } as unknown as S3Client, reads };
}

const run = { pipeline: 'flood', runId: 'r1' };

describe('withContainerResults', () => {
  it("replaces a container step's task with its result.json, and leaves other results as they are", async () => {
    const { client, reads } = s3With({ 'runs/flood/r1/run-model/result.json': '{"snapshots": ["a"]}' });

    const resolved = await withContainerResults({ 'run-model': TASK, 'validate-inputs': { prefix: 'x/' }, note: 'text' }, run, client, 'data');

    expect(resolved).toEqual({ 'run-model': { snapshots: ['a'] }, 'validate-inputs': { prefix: 'x/' }, note: 'text' });
    expect(reads).toEqual(['runs/flood/r1/run-model/result.json']);
  });

  it('reads each item of a forEach container from its own prefix', async () => {
    const { client } = s3With({ 'runs/flood/r1/tiles/items/0/result.json': '1', 'runs/flood/r1/tiles/items/1/result.json': '2' });

    expect(await withContainerResults({ tiles: [TASK, TASK] }, run, client, 'data')).toEqual({ tiles: [1, 2] });
  });

  it('keeps the task of a container that wrote no result.json', async () => {
    const { client } = s3With({});

    expect(await withContainerResults({ 'run-model': TASK }, run, client, 'data')).toEqual({ 'run-model': TASK });
  });

  it('fails as permanent, naming the object, when result.json is not JSON', async () => {
    const { client } = s3With({ 'runs/flood/r1/run-model/result.json': 'done!' });

    await expect(withContainerResults({ 'run-model': TASK }, run, client, 'data')).rejects.toMatchObject({
      name: 'Orchestra.Permanent',
      message: 'runs/flood/r1/run-model/result.json is not JSON: a container step writes its result there as JSON (containerStep does it for you)',
    });
  });

  it('does not take a result that merely has a taskArn beside other fields for a container task', async () => {
    const { client, reads } = s3With({});
    const lambdaResult = { taskArn: TASK.taskArn, status: 'STOPPED' };

    expect(await withContainerResults({ watcher: lambdaResult }, run, client, 'data')).toEqual({ watcher: lambdaResult });
    expect(reads).toEqual([]);
  });
});
