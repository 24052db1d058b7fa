import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GraphValidationError, hasErrors, type Issue, issue, parsePath } from '../contract/issues';
import { locate, type ParsedDocument, parseGraphText } from './parse';
import { buildRuleContext, RULES } from './rules';
import { graphSchema, type PipelineGraph } from './schema';
import { schemaIssues } from './schema-issues';

export interface ValidationOptions {
  /** Folder that handler and image paths are relative to. @default - nearest ancestor of the file with a package.json, else the cwd */
  readonly rootDir?: string;
}

export interface ValidationResult {
  /** Set only when there is no error (warnings allowed). */
  readonly graph?: PipelineGraph;
  /** Every problem found, errors and warnings, in document order where known. */
  readonly issues: readonly Issue[];
  readonly rootDir: string;
}

/** Validates a parsed document: schema and every semantic rule; all problems, never a throw. */
export function validateDocument(doc: ParsedDocument, options: ValidationOptions = {}): ValidationResult {
  const rootDir = options.rootDir ?? process.cwd();
  const found: Issue[] = [...doc.issues];
  if (doc.value !== undefined) {
    if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
      found.push(issue('schema', '', 'a pipeline graph must be a JSON object', 'start from { "name": "my-pipeline", "steps": { ... } }'));
    } else {
      const parsed = graphSchema.safeParse(doc.value, { reportInput: true });
      if (!parsed.success) found.push(...schemaIssues(parsed.error, doc.value));
      const context = buildRuleContext(doc.value as Record<string, unknown>, rootDir);
      for (const rule of RULES) found.push(...rule(context));
    }
  }
  const located = found.map((i) => (i.line !== undefined ? i : { ...i, ...locate(doc, parsePath(i.path)) }));
  located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const valid = doc.value !== undefined && !hasErrors(located);
  return valid ? { graph: graphSchema.parse(doc.value), issues: located, rootDir } : { issues: located, rootDir };
}

export function validateGraphText(text: string, options: ValidationOptions = {}): ValidationResult {
  return validateDocument(parseGraphText(text), options);
}

/** The project root for a graph file: nearest ancestor holding package.json. */
export function projectRootOf(file: string): string {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

export function validateGraphFile(file: string, options: ValidationOptions = {}): ValidationResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read the file (${(cause as Error).message})`;
    return { issues: [issue('json-syntax', '', reason, 'check the path')], rootDir: options.rootDir ?? projectRootOf(file) };
  }
  return validateGraphText(text, { rootDir: options.rootDir ?? projectRootOf(file) });
}

/** For APIs that need a valid graph: returns it or throws one error holding every issue. */
export function loadGraphFile(file: string, options: ValidationOptions = {}): { graph: PipelineGraph; issues: readonly Issue[]; rootDir: string } {
  const result = validateGraphFile(file, options);
  if (result.graph === undefined) throw new GraphValidationError(result.issues, file);
  return { graph: result.graph, issues: result.issues, rootDir: result.rootDir };
}
