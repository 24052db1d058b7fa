/**
 * Counts the words of each input file. A container step: `orchestra run` starts it as a local
 * process, AWS as a Fargate task (Dockerfile beside it); both hand it the same environment, read by
 * containerStep, which writes what this returns as result.json under the step's output prefix.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { containerStep } from 'orchestra';

interface InputFiles {
  readonly files: ReadonlyArray<{ readonly key: string }>;
}

await containerStep(async ({ s3, bucket, input, dependencies, outputPrefix }) => {
  const { files } = dependencies['list-inputs'] as InputFiles;
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
