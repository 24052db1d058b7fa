/**
 * Lists the run's input files with their sizes. Runs on AWS Lambda and, unchanged, on `orchestra run`.
 * stepHandlerFor types the event from the graph (state-machines/hello.steps.d.ts, written by
 * `npx orchestra build`); what it returns is what count-words gets as dependencies['list-inputs'].
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { PermanentStepError, stepHandlerFor } from 'orchestra';

export const handler = stepHandlerFor('hello', 'list-inputs', async (event, { s3, bucket, logger }) => {
  const keys = event.input.keys ?? [];
  // Bad input is permanent: the run fails at once instead of retrying.
  if (keys.length === 0) throw new PermanentStepError('no input files: run it with `npx orchestra run hello --input <folder>`');
  const files = [];
  for (const key of keys) {
    const head = await s3.send(new HeadObjectCommand({ Bucket: event.input.bucket ?? bucket, Key: key }));
    files.push({ key, bytes: head.ContentLength ?? 0 });
  }
  logger.info('inputs listed', { files: files.length });
  return { files, bytes: files.reduce((sum, file) => sum + file.bytes, 0) };
});
