/**
 * Counts the words of each input file. A container step: `orchestra run` starts it as a local
 * process, AWS as a Fargate task (Dockerfile beside it); both hand it the same environment, read by
 * containerStepFor, which writes what this returns as result.json under the step's output prefix.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { containerStepFor } from 'orchestra';

await containerStepFor('hello', 'count-words', async ({ s3, bucket, input, dependencies, outputPrefix }) => {
  // Typed from the graph: list-inputs' handler returns { files, bytes }.
  const { files } = dependencies['list-inputs'];
  const rows = ['file,words'];
  let total = 0;
  for (const { key } of files) {
    const object = await s3.send(new GetObjectCommand({ Bucket: input.bucket ?? bucket, Key: key }));
    const words = ((await object.Body?.transformToString()) ?? '').split(/\s+/).filter((word) => word !== '').length;
    rows.push(`${key},${words}`);
    total += words;
    console.log(`progress ${Math.round((100 * (rows.length - 1)) / files.length)}%`);
  }
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${outputPrefix}words.csv`, Body: `${rows.join('\n')}\n`, ContentType: 'text/csv' }));
  return { files: files.length, words: total };
});
