/** What `GET /pipelines/{pipeline}/runs/{runId}/outputs` answers (functions/runs-api/outputs.ts), and its bounds. */
import type { RunOutput } from './run-answers';

/** The most objects one page lists (a Distributed Map can write one folder per item), and the default. */
export const MAX_OUTPUTS_LISTED = 1000;
export const DEFAULT_OUTPUTS_LISTED = 200;
/**
 * A page ends before its JSON passes this size, whatever its limit: Lambda answers at most 6 MB (1,000
 * files with long names and their presigned URLs answered 8.7 MiB and failed); the rest is for headers.
 */
export const MAX_OUTPUTS_ANSWER_BYTES = 5_000_000;
/** Text files up to this size come with their text. */
export const PREVIEW_MAX_BYTES = 64 * 1024;
/** At most this many previews per answer, so a run of many small files answers within API Gateway's 29 s. */
export const MAX_PREVIEWS = 20;
/** How long a presigned URL works: the console lists the outputs again long before. */
export const OUTPUT_URL_SECONDS = 900;

export type { RunOutput } from './run-answers';

export interface RunOutputs {
  readonly prefix: string;
  readonly outputs: readonly RunOutput[];
  /** More files than this page: ask again with `nextToken`. */
  readonly truncated: boolean;
  /** Where the next page starts (the last key listed, encoded). */
  readonly nextToken?: string;
}

/** A page's token: the last key it listed, so the next page starts after it (S3's StartAfter). */
export const outputsTokenOf = (lastKey: string): string => Buffer.from(lastKey, 'utf8').toString('base64url');

/** The key a token stands for, when it is one this API gave for this run's prefix. */
export function keyOfOutputsToken(token: string, prefix: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(token)) return undefined;
  const key = Buffer.from(token, 'base64url').toString('utf8');
  return key.startsWith(prefix) && outputsTokenOf(key) === token ? key : undefined;
}

/**
 * A step's report: a file of one of these names in its folder, shown on the run's page (HTML in a
 * sandboxed frame that may run no script, Markdown as text, images as images). The first name found wins.
 */
export const STEP_REPORT_FILES = ['report.html', 'report.md', 'report.svg', 'report.png'] as const;

/** Whether an output (step, path in its folder) is its step's report. */
export const isStepReport = (output: { readonly step: string; readonly path: string }): boolean => output.step !== '' && STEP_REPORT_FILES.some((name) => name === output.path);
