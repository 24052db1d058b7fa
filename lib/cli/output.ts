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

export function reportIssues(output: Output, issues: readonly Issue[], file: string): void {
  for (const found of issues) output.err(formatIssue(found, file));
}
