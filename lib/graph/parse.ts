/**
 * Strict JSON parsing that keeps positions, so every issue can name a line and column.
 * jsonc-parser is used (not JSON.parse) because it reports all syntax errors with offsets and
 * gives a syntax tree to map JSON paths back to the source.
 */
import { getNodeValue, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { type Issue, issue, type PathSegment } from '../contract/issues';

export interface ParsedDocument {
  readonly text: string;
  readonly value: unknown;
  readonly tree: Node | undefined;
  readonly issues: readonly Issue[];
  /** Offset of each line's first character, for positions in O(log n) instead of a rescan per issue. */
  readonly lineStarts: readonly number[];
  /** Every node of the tree by its path (segments joined by NUL), built in one pass. */
  readonly nodes: ReadonlyMap<string, Node>;
}

/** Nesting a graph never needs; deeper documents are refused before parsing (the parser and checks recurse). */
export const MAX_NESTING_DEPTH = 256;

const pathKey = (path: readonly PathSegment[]): string => path.map(String).join('\u0000');

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionIn(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
}

export const lineAndColumn = (text: string, offset: number): { line: number; column: number } => positionIn(lineStartsOf(text), offset);

/** Offset where nesting first goes deeper than MAX_NESTING_DEPTH, skipping strings; one linear pass. */
function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (++depth > MAX_NESTING_DEPTH) return i;
    } else if (char === '}' || char === ']') depth--;
  }
  return undefined;
}

/** Every node by path, iteratively (no recursion: the tree may be large). */
function indexNodes(tree: Node): Map<string, Node> {
  const nodes = new Map<string, Node>();
  const stack: Array<[Node, PathSegment[]]> = [[tree, []]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, path] = entry;
    nodes.set(pathKey(path), node);
    if (node.type === 'object') {
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (keyNode !== undefined && valueNode !== undefined) stack.push([valueNode, [...path, String(keyNode.value)]]);
      }
    } else if (node.type === 'array') {
      for (const [index, child] of (node.children ?? []).entries()) stack.push([child, [...path, index]]);
    }
  }
  return nodes;
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
  const lineStarts = lineStartsOf(text);
  const empty = { text, value: undefined, tree: undefined, lineStarts, nodes: new Map<string, Node>() };
  const problem = fileProblem(text);
  if (problem !== undefined) return { ...empty, issues: [{ ...problem, line: 1, column: 1 }] };
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    const found = issue('json-syntax', '', `values are nested more than ${MAX_NESTING_DEPTH} levels deep`, 'a pipeline graph never needs that: flatten the value');
    return { ...empty, issues: [{ ...found, ...positionIn(lineStarts, deep) }] };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const issues: Issue[] = errors.map((error) => {
    const code = printParseErrorCode(error.error);
    const found = issue('json-syntax', '', `invalid JSON: ${code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`, syntaxFixes[code]);
    return { ...found, ...positionIn(lineStarts, error.offset) };
  });
  const nodes = tree === undefined ? new Map<string, Node>() : indexNodes(tree);
  issues.push(...keyProblems(nodes, lineStarts));
  const value = issues.some((i) => i.code === 'json-syntax') || tree === undefined ? undefined : (getNodeValue(tree) as unknown);
  return { text, value, tree, issues, lineStarts, nodes };
}

/**
 * Keys that would be lost silently: JSON.parse keeps the last of two duplicates (two steps with one id
 * would merge without a word), and JavaScript objects treat a "__proto__" key as their prototype.
 */
function keyProblems(nodes: ReadonlyMap<string, Node>, lineStarts: readonly number[]): Issue[] {
  const found: Issue[] = [];
  for (const [key, node] of nodes) {
    if (node.type !== 'object') continue;
    const path: PathSegment[] = key === '' ? [] : key.split('\u0000');
    const seen = new Set<string>();
    for (const property of node.children ?? []) {
      const keyNode = property.children?.[0];
      if (keyNode === undefined) continue;
      const name = String(keyNode.value);
      if (seen.has(name)) {
        const dup = issue('duplicate-key', [...path, name], `"${name}" is defined more than once; only the last one would be kept`, 'rename or remove one of them');
        found.push({ ...dup, ...positionIn(lineStarts, keyNode.offset) });
      }
      if (name === '__proto__') {
        const reserved = issue(
          'reserved-key',
          [...path, name],
          '"__proto__" cannot be a name: JavaScript tools, the AWS SDK for JavaScript among them, read it as an object\'s prototype and drop it',
          'rename it',
        );
        found.push({ ...reserved, ...positionIn(lineStarts, keyNode.offset) });
      }
      seen.add(name);
    }
  }
  return found;
}

/** Position of the deepest existing node on `path` (an unknown key points at its parent). */
export function locate(doc: ParsedDocument, path: readonly PathSegment[]): { line: number; column: number } | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.nodes.get(pathKey(path.slice(0, depth)));
    if (node !== undefined) {
      // Point at the property name rather than its value when there is one.
      const target = node.parent?.type === 'property' && node.parent.children?.[0] !== undefined ? node.parent.children[0] : node;
      return positionIn(doc.lineStarts, target.offset);
    }
  }
  return undefined;
}
