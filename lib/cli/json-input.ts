/** JSON files the import commands read: parsed with positions, so every problem found later can name its line. */
import { readFileSync } from 'node:fs';
import { hasErrors, type Issue, parsePath } from '../contract/issues';
import { locate, type ParsedDocument, parseGraphText } from '../graph/parse';
import { messageOf } from '../shared/errors';
import { type Output, reportIssues } from './output';

/** The parsed file, or undefined after reporting why it cannot be read or parsed. */
export function readJsonInput(file: string, what: string, output: Output): ParsedDocument | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    output.err(`${file}: cannot read the ${what} (${messageOf(error)})`);
    return undefined;
  }
  const parsed = parseGraphText(text);
  reportIssues(output, parsed.issues, file);
  return hasErrors(parsed.issues) ? undefined : parsed;
}

/** Issues about the document, each with the line and column of its JSON path. */
export const locatedIn = (parsed: ParsedDocument, issues: readonly Issue[]): Issue[] => issues.map((found) => ({ ...found, ...locate(parsed, parsePath(found.path)) }));
