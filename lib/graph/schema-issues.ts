/** Turns zod's issues into Orchestra issues: JSON path first, the value received, what is allowed, the fix. */
import type { z } from 'zod';
import { type Issue, type IssueCode, issue, type PathSegment } from '../contract/issues';
import { STEP_KIND_SPECS } from '../kinds/specs';
import { defaultsSchema, graphSchema, isStepKind, retrySchema, STEP_KINDS, triggerSchema } from './schema';
import { fixForUnknownName } from './suggest';

type ZodIssue = z.core.$ZodIssue;

/** Property names allowed at `path` (for "did you mean" on unknown properties). */
function allowedKeysAt(path: readonly PathSegment[], document: unknown): readonly string[] {
  const at = path.map(String).join('.');
  if (path.length === 0) return Object.keys(graphSchema.shape);
  if (at === 'trigger') return Object.keys(triggerSchema.shape);
  if (at === 'defaults') return Object.keys(defaultsSchema.shape);
  if (at.endsWith('.retry')) return Object.keys(retrySchema.shape);
  if (path[0] === 'steps' && path.length === 2) {
    const kind = valueAt(document, path)?.['kind'];
    return isStepKind(kind) ? Object.keys(STEP_KIND_SPECS[kind].schema.shape) : [];
  }
  if (path[0] === 'steps' && path.length === 3 && path[2] === 'local') return ['command', 'cwd'];
  return [];
}

function valueAt(document: unknown, path: readonly PathSegment[]): Record<string, unknown> | undefined {
  let at: unknown = document;
  for (const segment of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[segment];
  }
  return at !== null && typeof at === 'object' ? (at as Record<string, unknown>) : undefined;
}

const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large for a double (it reads as infinity)';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
};

export function schemaIssues(error: z.ZodError, document: unknown): Issue[] {
  // Invalid step ids are reported by the step-ids rule, with a suggested fix; other bad keys here.
  const isStepIdIssue = (found: ZodIssue) => found.code === 'invalid_key' && found.path.length <= 2 && found.path[0] === 'steps';
  return error.issues.filter((found) => !isStepIdIssue(found)).flatMap((found) => convert(found, document));
}

function convert(found: ZodIssue, document: unknown): Issue[] {
  const path = found.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  const make = (code: IssueCode, message: string, fix?: string, at: readonly PathSegment[] = path) => issue(code, at, message, fix);
  switch (found.code) {
    case 'unrecognized_keys':
      return found.keys.map((key) => {
        const allowed = allowedKeysAt(path, document);
        return make('unknown-property', `unknown property "${key}"`, fixForUnknownName(key, allowed), [...path, key]);
      });
    case 'invalid_union': {
      if ('discriminator' in found && found.discriminator === 'kind') {
        const kind = valueAt(document, path.slice(0, -1))?.['kind'];
        if (kind === undefined) {
          return [make('unknown-kind', 'missing "kind"', `add "kind": one of ${STEP_KINDS.map((k) => `"${k}"`).join(', ')}`)];
        }
        return [make('unknown-kind', `unknown kind ${JSON.stringify(kind)}`, fixForUnknownName(String(kind), STEP_KINDS))];
      }
      if (path[path.length - 1] === 'durationMs') {
        return [make('schema', `expected a number of milliseconds or [min, max], received ${describe(found.input)}`, 'e.g. 1500 or [1000, 3000]')];
      }
      return [make('schema', `received ${describe(found.input)}, which matches none of the allowed forms`, 'see schema/graph.schema.json')];
    }
    case 'invalid_type': {
      if (found.input === undefined) return [make('schema', `missing required property "${String(path[path.length - 1])}"`, `add it (${found.expected})`)];
      return [make('schema', `expected ${found.expected}, received ${describe(found.input)}`)];
    }
    case 'too_small':
    case 'too_big': {
      const bound = found.code === 'too_small' ? found.minimum : found.maximum;
      const relation = found.code === 'too_small' ? (found.inclusive ? 'at least' : 'more than') : found.inclusive ? 'at most' : 'less than';
      const unit = found.origin === 'string' ? ' characters long' : found.origin === 'array' ? ' items' : '';
      const code: IssueCode = path.includes('retry') ? 'invalid-retry' : path[path.length - 1] === 'timeoutSeconds' ? 'invalid-timeout' : 'schema';
      if (found.origin === 'number' || found.origin === 'int' || found.origin === 'bigint') {
        return [make(code, `${describe(found.input)} is out of range`, `use a value ${relation} ${String(bound)}`)];
      }
      return [make(code, found.message.replace(/^Too (small|big): /, ''), `must be ${relation} ${String(bound)}${unit}`)];
    }
    case 'invalid_value':
      return [make('schema', `received ${describe(found.input)}`, `use one of ${found.values.map((v) => JSON.stringify(v)).join(', ')}`)];
    case 'invalid_format':
      return [make(path[0] === 'trigger' ? 'invalid-trigger' : 'schema', `${found.message} (received ${describe(found.input)})`)];
    case 'not_multiple_of':
      return [make('schema', `${describe(found.input)} must be a multiple of ${String(found.divisor)}`)];
    case 'invalid_key': {
      const key = String(found.input);
      return [make('schema', `key ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)}: ${found.issues.map((inner) => inner.message).join('; ')}`)];
    }
    default:
      return [make(path[0] === 'trigger' ? 'invalid-trigger' : 'schema', found.message)];
  }
}
