/** A Distributed Map's S3 side locally: the list it reads must be a JSON array, and what it writes has AWS's layout. */
import { afterAll, describe, expect, it } from 'vitest';
import { type ItemOutcome, s3MapItemIO } from '../../lib/local/engine/map-io';
import { download, startTestRuntime, upload } from '../helpers/local-runtime';

const runtime = await startTestRuntime([]);
afterAll(() => runtime.stop());
const io = s3MapItemIO(runtime.s3.client);
const reader = { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' } };
const bucket = runtime.s3.bucket;

describe('the ItemReader', () => {
  it('reads the JSON array the list names', async () => {
    await upload(runtime, 'lists/ok.json', '[{"n":1},{"n":2}]');
    expect(await io.readItems(reader, { Bucket: bucket, Key: 'lists/ok.json' })).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it.each([
    ['lists/object.json', '{"items": []}', 'holds no JSON array'],
    ['lists/broken.json', '[1, 2', 'is not JSON'],
    ['lists/missing.json', undefined, 's3://'],
  ])('refuses %s with States.ItemReaderFailed, naming the object', async (key, body, message) => {
    if (body !== undefined) await upload(runtime, key, body);
    await expect(io.readItems(reader, { Bucket: bucket, Key: key })).rejects.toMatchObject({ name: 'States.ItemReaderFailed', message: expect.stringContaining(message) });
  });

  it('refuses a reader other than a JSON array in S3', async () => {
    await expect(io.readItems({ ...reader, ReaderConfig: { InputType: 'CSV' } }, { Bucket: bucket, Key: 'lists/ok.json' })).rejects.toThrow(
      'only arn:aws:states:::s3:getObject with InputType JSON',
    );
  });
});

describe('the ResultWriter', () => {
  it('writes manifest.json and the results split by status under <Prefix>/<map run id>/, and answers as AWS does', async () => {
    const outcomes: ItemOutcome[] = [
      { Status: 'SUCCEEDED', Input: '{"n":1}', Output: '{"ok":true}' },
      { Status: 'FAILED', Input: '{"n":2}', Error: 'Orchestra.Permanent', Cause: 'bad' },
    ];
    const answer = (await io.writeResults('each', { Bucket: bucket, Prefix: 'runs/p/r1/each/results' }, outcomes, { Execution: { Name: 'r1' } })) as {
      MapRunArn: string;
      ResultWriterDetails: { Bucket: string; Key: string };
    };
    expect(answer.MapRunArn).toMatch(/^arn:aws:states:local:000000000000:mapRun:r1\/each:[0-9a-f-]{36}$/);
    expect(answer.ResultWriterDetails.Key).toMatch(/^runs\/p\/r1\/each\/results\/[0-9a-f-]{36}\/manifest\.json$/);
    const manifest = JSON.parse((await download(runtime, answer.ResultWriterDetails.Key)).toString());
    expect(manifest).toMatchObject({ DestinationBucket: bucket, MapRunArn: answer.MapRunArn, ResultFiles: { PENDING: [] } });
    const failed = JSON.parse((await download(runtime, manifest.ResultFiles.FAILED[0].Key)).toString());
    expect(failed).toEqual([expect.objectContaining({ Status: 'FAILED', Input: '{"n":2}', Error: 'Orchestra.Permanent', Cause: 'bad' })]);
  });
});
