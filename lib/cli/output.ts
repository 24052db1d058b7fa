import { formatIssue, type Issue } from '../contract/issues';

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

/** C0 and C1 control characters and DEL, and the line and paragraph separators. */
const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;

/**
 * Text from outside (an uploaded object's key, a reason quoting it) as one printable line: an escape
 * sequence in a key could rewrite the terminal, a newline forge another line — each control character
 * is shown as `\xNN` (`\u2028`/`\u2029` as such).
 */
export function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += !isControl(code) ? char : code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return out;
}
