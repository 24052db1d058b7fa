/** Validation problems: every check returns a list of these; nothing throws for a user mistake. */
import { OrchestraError } from '../shared/errors';

export type IssueCode =
  | 'json-syntax'
  | 'duplicate-key'
  | 'reserved-key'
  | 'schema'
  | 'unknown-property'
  | 'unknown-kind'
  | 'empty-steps'
  | 'invalid-step-id'
  | 'unknown-dependency'
  | 'self-dependency'
  | 'duplicate-dependency'
  | 'dependency-cycle'
  | 'missing-handler-file'
  | 'missing-bundled-file'
  | 'invalid-for-each'
  | 'invalid-reuse'
  | 'missing-handler-export'
  | 'missing-container-image'
  | 'missing-local-command'
  | 'resource-name-collision'
  | 'invalid-retry'
  | 'invalid-timeout'
  | 'invalid-trigger'
  | 'invalid-service'
  | 'invalid-pipeline-step'
  | 'unknown-pipeline'
  | 'limit-exceeded'
  | 'unsupported-locally'
  | 'invalid-access';

export type Severity = 'error' | 'warning';

export interface Issue {
  readonly code: IssueCode;
  readonly severity: Severity;
  /** Dotted JSON path, e.g. `steps.run-model.dependsOn[0]`; empty for the document itself. */
  readonly path: string;
  readonly message: string;
  /** What to do about it. */
  readonly fix?: string;
  /** 1-based position in the source file, when known. */
  readonly line?: number;
  readonly column?: number;
}

export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

export function issue(code: IssueCode, path: readonly PathSegment[] | string, message: string, fix?: string, severity: Severity = 'error'): Issue {
  return {
    code,
    severity,
    path: typeof path === 'string' ? path : formatPath(path),
    message,
    ...(fix === undefined ? {} : { fix }),
  };
}

export const hasErrors = (issues: readonly Issue[]): boolean => issues.some((i) => i.severity === 'error');

/** `file:line:col: error: path: message — fix` — one line, no stack trace. */
export function formatIssue(found: Issue, file?: string): string {
  const where = [file, found.line, found.column].filter((part) => part !== undefined).join(':');
  const path = found.path === '' ? '' : `${found.path}: `;
  const fix = found.fix === undefined ? '' : ` — ${found.fix}`;
  return `${where === '' ? '' : `${where}: `}${found.severity}: ${path}${found.message}${fix}`;
}

/** Thrown by APIs that need a valid graph; carries every issue found, not just the first. */
export class GraphValidationError extends OrchestraError {
  override readonly name = 'GraphValidationError';
  constructor(
    readonly issues: readonly Issue[],
    readonly file?: string,
  ) {
    super(
      'invalid-graph',
      `${file ?? 'graph'} is invalid (${issues.filter((i) => i.severity === 'error').length} problem(s)):\n` + issues.map((i) => `  ${formatIssue(i, file)}`).join('\n'),
    );
  }
}

/** Inverse of formatPath for the paths this module writes (ids never contain "." or "["). */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    if (part === '') continue;
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (match === null) {
      segments.push(part);
      continue;
    }
    if (match[1] !== undefined && match[1] !== '') segments.push(match[1]);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}
