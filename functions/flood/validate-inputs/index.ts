/**
 * Checks an uploaded DassFlow-2D case folder (functions/flood/dassflow2d/case-check.ts) before the
 * model runs: every problem at once, each with its file, line and fix, as `Orchestra.Permanent`
 * (never retried); the uploaded files stay in place. Only the case's top-level text files are read:
 * results a case may carry (`res/`, `msh/`) are not inputs.
 */
import { PermanentStepError } from '../../../lib/contract/errors';
import { checkCase } from '../../../lib/formats/dassflow2d/case-check';
import { formatProblem } from '../../../lib/formats/dassflow2d/problems';
import { listAllObjects } from '../../../lib/runtime/s3-list';
import { getText } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';

/** Case files are small text; bigger top-level files (a stray result archive) are not read. */
const MAX_CASE_FILE_BYTES = 64 * 1024 * 1024;

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const prefix = event.input.prefix;
  if (prefix === undefined) throw new PermanentStepError('the run input has no "prefix": start this pipeline by uploading a DassFlow-2D case folder to its ingest prefix');
  const inputBucket = event.input.bucket ?? bucket;
  // Bigger files are not read at all: a case file that size is no case file (checkCase then reports it missing).
  const names = (await listAllObjects(s3, inputBucket, prefix))
    .filter((object) => (object.size ?? 0) <= MAX_CASE_FILE_BYTES)
    .map((object) => object.key.slice(prefix.length))
    .filter((name) => name !== '' && !name.includes('/'));
  const texts = new Map<string, string>();
  for (const name of names) {
    texts.set(name, await getText(s3, inputBucket, `${prefix}${name}`));
  }
  const checked = checkCase((name) => texts.get(name));
  if (checked.summary === undefined) {
    const lines = checked.problems.map((problem) => `${prefix}${formatProblem(problem)}`);
    throw new PermanentStepError(`the DassFlow-2D case has ${lines.length} problem(s):\n${lines.join('\n')}`);
  }
  logger.info('case is valid', { ...checked.summary });
  return { prefix, ...checked.summary, files: checked.summary.files.map((name) => `${prefix}${name}`) };
});
