import { formatIssue, type Issue } from '../graph/issues';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export function reportIssues(output: Output, issues: readonly Issue[], file: string): void {
  for (const found of issues) output.err(formatIssue(found, file));
}
