/** Lists the run's input files with their sizes. Runs on AWS Lambda and, unchanged, on `orchestra run`. */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { PermanentStepError, stepHandler } from 'orchestra';

export interface InputFiles {
  readonly files: ReadonlyArray<{ readonly key: string; readonly bytes: number }>;
  readonly bytes: number;
}

export const handler = stepHandler<InputFiles>(async (event, { s3, bucket, logger }) => {
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
