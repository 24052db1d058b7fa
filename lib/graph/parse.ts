/**
 * Strict JSON parsing that keeps positions, so every issue can name a line and column.
 * jsonc-parser is used (not JSON.parse) because it reports all syntax errors with offsets and
 * gives a syntax tree to map JSON paths back to the source.
 */
import { findNodeAtLocation, getNodeValue, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { type Issue, issue, type PathSegment } from './issues';

export interface ParsedDocument {
  readonly text: string;
  readonly value: unknown;
  readonly tree: Node | undefined;
  readonly issues: readonly Issue[];
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const syntaxFixes: Partial<Record<string, string>> = {
  CommaExpected: 'add a "," between the two values',
  PropertyNameExpected: 'property names must be double-quoted strings; remove a trailing comma if there is one',
  ValueExpected: 'add a value, or remove the trailing comma',
  ColonExpected: 'add ":" between the property name and its value',
  CloseBraceExpected: 'close the object with "}"',
  CloseBracketExpected: 'close the array with "]"',
  EndOfFileExpected: 'remove what follows the top-level value',
  InvalidCommentToken: 'JSON does not allow comments; use a "description" field instead',
  UnexpectedEndOfString: 'close the string with a double quote',
  InvalidSymbol: 'check quotes: JSON strings use double quotes',
};

/** Problems with the file as a whole, which the JSON parser would report as a confusing syntax error. */
function fileProblem(text: string): Issue | undefined {
  if (text.includes('\u0000')) return issue('json-syntax', '', 'the file is not UTF-8 text (it looks like UTF-16)', 'save it as UTF-8');
  if (text.trim() === '') return issue('json-syntax', '', 'the file is empty', 'start from { "name": "my-pipeline", "steps": { "hello": { "kind": "simulate" } } }');
  return undefined;
}

export function parseGraphText(input: string): ParsedDocument {
  // A UTF-8 byte-order mark is not JSON, but editors write one; it carries no meaning.
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const problem = fileProblem(text);
  if (problem !== undefined) return { text, value: undefined, tree: undefined, issues: [{ ...problem, line: 1, column: 1 }] };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const issues: Issue[] = errors.map((error) => {
    const code = printParseErrorCode(error.error);
    const found = issue('json-syntax', '', `invalid JSON: ${code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`, syntaxFixes[code]);
    return { ...found, ...lineAndColumn(text, error.offset) };
  });
  if (tree !== undefined) issues.push(...keyProblems(tree, text));
  const value = issues.some((i) => i.code === 'json-syntax') || tree === undefined ? undefined : (getNodeValue(tree) as unknown);
  return { text, value, tree, issues };
}

/**
 * Keys that would be lost silently: JSON.parse keeps the last of two duplicates (two steps with one id
 * would merge without a word), and JavaScript objects treat a "__proto__" key as their prototype.
 */
function keyProblems(root: Node, text: string, path: PathSegment[] = []): Issue[] {
  const found: Issue[] = [];
  if (root.type === 'object') {
    const seen = new Set<string>();
    for (const property of root.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (keyNode === undefined) continue;
      const key = String(keyNode.value);
      if (seen.has(key)) {
        const dup = issue('duplicate-key', [...path, key], `"${key}" is defined more than once; only the last one would be kept`, 'rename or remove one of them');
        found.push({ ...dup, ...lineAndColumn(text, keyNode.offset) });
      }
      if (key === '__proto__') {
        const reserved = issue(
          'reserved-key',
          [...path, key],
          '"__proto__" cannot be a name: JavaScript tools, the AWS SDK for JavaScript among them, read it as an object\'s prototype and drop it',
          'rename it',
        );
        found.push({ ...reserved, ...lineAndColumn(text, keyNode.offset) });
      }
      seen.add(key);
      if (valueNode !== undefined) found.push(...keyProblems(valueNode, text, [...path, key]));
    }
  } else if (root.type === 'array') {
    for (const [index, child] of (root.children ?? []).entries()) found.push(...keyProblems(child, text, [...path, index]));
  }
  return found;
}

/** Position of the deepest existing node on `path` (an unknown key points at its parent). */
export function locate(doc: ParsedDocument, path: readonly PathSegment[]): { line: number; column: number } | undefined {
  if (doc.tree === undefined) return undefined;
  for (let depth = path.length; depth >= 0; depth--) {
    const node = findNodeAtLocation(doc.tree, path.slice(0, depth) as PathSegment[]);
    if (node !== undefined) {
      // Point at the property name rather than its value when there is one.
      const target = node.parent?.type === 'property' && node.parent.children?.[0] !== undefined ? node.parent.children[0] : node;
      return lineAndColumn(doc.text, target.offset);
    }
  }
  return undefined;
}
