import { formatIssue, type Issue } from '../graph/issues';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** The terminal behind `err`, when there is one: live views redraw on it. */
  readonly terminal?: NodeJS.WriteStream;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  ...(process.stderr.isTTY ? { terminal: process.stderr } : {}),
};

/** A terminal full of the same mistake helps nobody: the rest are counted (and all are in `validate --json`). */
export const MAX_ISSUES_SHOWN = 100;

export function reportIssues(output: Output, issues: readonly Issue[], file: string): void {
  for (const found of issues.slice(0, MAX_ISSUES_SHOWN)) output.err(formatIssue(found, file));
  if (issues.length > MAX_ISSUES_SHOWN) output.err(`${file}: … and ${issues.length - MAX_ISSUES_SHOWN} more (all of them: orchestra validate --json ${file})`);
}
