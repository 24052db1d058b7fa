/**
 * Checks an uploaded DassFlow-2D case folder (functions/flood/dassflow2d/case-check.ts) before the
 * model runs: every problem at once, each with its file, line and fix, as `Orchestra.Permanent`
 * (never retried); the uploaded files stay in place. Only the case's top-level text files are read:
 * results a case may carry (`res/`, `msh/`) are not inputs.
 */
import { currentEnvironment } from '../../../lib/contract/environment';
import { PermanentStepError } from '../../../lib/contract/errors';
import { type CaseFiles, checkCase } from '../../../lib/formats/dassflow2d/case-check';
import { formatProblem } from '../../../lib/formats/dassflow2d/problems';
import { listAllObjects } from '../../../lib/runtime/s3-list';
import { getText } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';

/**
 * A file is read when it takes at most a quarter of the function's memory (Lambda sets the variable;
 * the local runtime too): a real mesh runs to tens of MB, and its parsed nodes and cells take about as
 * much again. A bigger file is reported with its size, never as missing.
 */
const readableBytes = (): number => (Number(currentEnvironment()['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']) || 512) * 1024 * 1024 * 0.25;

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const prefix = event.input.prefix;
  if (prefix === undefined) throw new PermanentStepError('the run input has no "prefix": start this pipeline by uploading a DassFlow-2D case folder to its ingest prefix');
  const inputBucket = event.input.bucket ?? bucket;
  const limitBytes = readableBytes();
  const topLevel = (await listAllObjects(s3, inputBucket, prefix))
    .map((object) => ({ name: object.key.slice(prefix.length), bytes: object.size ?? 0 }))
    .filter(({ name }) => name !== '' && !name.includes('/'));
  const files = new Map<string, ReturnType<CaseFiles>>();
  for (const { name, bytes } of topLevel) files.set(name, bytes > limitBytes ? { bytes, limitBytes } : await getText(s3, inputBucket, `${prefix}${name}`));
  const checked = checkCase((name) => files.get(name));
  if (checked.summary === undefined) {
    const lines = checked.problems.map((problem) => `${prefix}${formatProblem(problem)}`);
    throw new PermanentStepError(`the DassFlow-2D case has ${lines.length} problem(s):\n${lines.join('\n')}`);
  }
  logger.info('case is valid', { ...checked.summary });
  return { prefix, ...checked.summary, files: checked.summary.files.map((name) => `${prefix}${name}`) };
});
