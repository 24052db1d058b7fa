/** A problem in a DassFlow-2D case file: which file, which line, what is wrong and how to fix it. */
export interface CaseProblem {
  readonly file: string;
  /** 1-based; absent when the problem is the whole file (missing, empty). */
  readonly line?: number;
  readonly message: string;
  readonly fix: string;
}

export const formatProblem = ({ file, line, message, fix }: CaseProblem): string => `${file}${line === undefined ? '' : `:${line}`}: ${message} — ${fix}`;

/** The non-empty lines of a text file, with their 1-based numbers. */
export interface NumberedLine {
  readonly line: number;
  readonly text: string;
}

export const numberedLines = (text: string): NumberedLine[] => text.split(/\r?\n/).map((line, index) => ({ line: index + 1, text: line }));
