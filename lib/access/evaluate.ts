/**
 * AWS's evaluation of identity-based policies, for the statements Orchestra grants: an explicit Deny
 * wins, else an Allow allows, else the call is implicitly denied. Actions match case-insensitively with
 * `*` and `?`; resources match ARN part by part, the resource part with wildcards across "/" and ":";
 * conditions are ANDed across operators and keys and ORed across a key's values, with `…IfExists`,
 * negated operators true when the key is absent, and `ForAnyValue:`/`ForAllValues:` set operators.
 *
 * Written here rather than taken from @cloud-copilot/iam-simulate, which implements all of IAM but is
 * AGPL-3.0 (Orchestra is Apache-2.0 and ships to labs): the tests compare this evaluator's decisions
 * with iam-simulate's on every statement shape Orchestra grants (test/access/evaluate.test.ts).
 * An operator not listed here is never taken to allow: an Allow with it does not match, a Deny does.
 */

import { wildcardMatch } from '../shared/wildcard';
import type { StatementSpec } from './statements';

export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request, e.g. `s3:prefix`; a key absent here is absent from the request. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

const actionMatches = (pattern: string, action: string): boolean => wildcardMatch(pattern, action, true);

/** arn:partition:service:region:account:resource — the first five parts matched each alone, the resource part whole. */
function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  const split = (arn: string) => {
    const parts = arn.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const wanted = split(pattern);
  const actual = split(resource);
  if (wanted.length !== 6 || actual.length !== 6) return false;
  return wanted.every((part, index) => wildcardMatch(part, actual[index] ?? '', false));
}

type ValueTest = (wanted: string, actual: string) => boolean;

/** The positive operators; each has a negated twin (…Not…) that is true when none of its values match. */
const OPERATORS: Readonly<Record<string, { readonly test: ValueTest; readonly negated: boolean }>> = {
  StringEquals: { test: (w, a) => w === a, negated: false },
  StringNotEquals: { test: (w, a) => w === a, negated: true },
  StringEqualsIgnoreCase: { test: (w, a) => w.toLowerCase() === a.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (w, a) => w.toLowerCase() === a.toLowerCase(), negated: true },
  StringLike: { test: (w, a) => wildcardMatch(w, a, false), negated: false },
  StringNotLike: { test: (w, a) => wildcardMatch(w, a, false), negated: true },
  ArnEquals: { test: (w, a) => resourceMatches(w, a), negated: false },
  ArnLike: { test: (w, a) => resourceMatches(w, a), negated: false },
  ArnNotEquals: { test: (w, a) => resourceMatches(w, a), negated: true },
  ArnNotLike: { test: (w, a) => resourceMatches(w, a), negated: true },
  Bool: { test: (w, a) => w.toLowerCase() === a.toLowerCase(), negated: false },
};

const listOf = (value: string | readonly string[]): readonly string[] => (typeof value === 'string' ? [value] : value);

/** One operator block's verdict for one key, or undefined when the operator is not one this evaluator knows. */
function keyHolds(operatorName: string, key: string, wanted: readonly string[], context: AuthorizationRequest['context']): boolean | undefined {
  const setOperator = /^(ForAnyValue|ForAllValues):/.exec(operatorName)?.[1];
  const withoutSet = setOperator === undefined ? operatorName : operatorName.slice(setOperator.length + 1);
  const ifExists = withoutSet.endsWith('IfExists');
  const name = ifExists ? withoutSet.slice(0, -'IfExists'.length) : withoutSet;
  const present = context?.[key];
  if (name === 'Null') {
    // Null: "true" holds when the key is absent, "false" when it is present.
    return wanted.some((value) => (value.toLowerCase() === 'true') === (present === undefined));
  }
  const operator = OPERATORS[name];
  if (operator === undefined) return undefined;
  if (present === undefined) {
    if (setOperator === 'ForAllValues') return true;
    if (setOperator === 'ForAnyValue') return false;
    return ifExists || operator.negated;
  }
  const values = listOf(present);
  const matchesAny = (actual: string) => wanted.some((value) => operator.test(value, actual));
  if (setOperator === 'ForAllValues') return values.every((actual) => (operator.negated ? !matchesAny(actual) : matchesAny(actual)));
  if (setOperator === 'ForAnyValue') return values.some((actual) => (operator.negated ? !matchesAny(actual) : matchesAny(actual)));
  // A single-valued key: a positive operator holds when a value matches, a negated one when none does.
  const matched = values.some(matchesAny);
  return operator.negated ? !matched : matched;
}

/** Whether every condition of the statement holds; undefined when one uses an operator this evaluator does not know. */
function conditionsHold(statement: StatementSpec, context: AuthorizationRequest['context']): boolean | undefined {
  for (const [operatorName, keys] of Object.entries(statement.conditions ?? {})) {
    for (const [key, wanted] of Object.entries(keys)) {
      const holds = keyHolds(operatorName, key, listOf(wanted), context);
      if (holds !== true) return holds;
    }
  }
  return true;
}

/** The decision on one call for a principal whose identity policies hold `statements`. */
export function evaluate(statements: readonly StatementSpec[], request: AuthorizationRequest): Decision {
  let allowed = false;
  for (const statement of statements) {
    if (!statement.actions.some((pattern) => actionMatches(pattern, request.action))) continue;
    if (!statement.resources.some((pattern) => resourceMatches(pattern, request.resource))) continue;
    const holds = conditionsHold(statement, request.context);
    // Fail closed on an operator this evaluator does not know: never an Allow, always a Deny.
    if (statement.effect === 'Deny' && holds !== false) return 'ExplicitlyDenied';
    if (statement.effect === 'Allow' && holds === true) allowed = true;
  }
  return allowed ? 'Allowed' : 'ImplicitlyDenied';
}
