/** `forEach` checks the schema cannot express: where the list comes from, and what each mode allows. */

import { type Issue, issue } from '../../contract/issues';
import { asJsonRecord } from '../../shared/json';
import type { RuleContext } from './context';

export function checkForEach({ steps }: RuleContext): Issue[] {
  const found: Issue[] = [];
  for (const step of steps.values()) {
    const forEach = asJsonRecord(step.raw['forEach']);
    if (forEach === undefined) continue;
    const at = ['steps', step.id, 'forEach'];
    const from = forEach['from'];
    if (typeof from === 'string' && !step.dependsOn.some((dep) => dep.id === from))
      found.push(issue('invalid-for-each', [...at, 'from'], `"${from}" is not in this step's dependsOn`, `add "${from}" to dependsOn: the list is that step's result`));
    const hasItems = forEach['items'] !== undefined;
    const hasManifest = forEach['manifest'] !== undefined;
    if (hasItems === hasManifest)
      found.push(
        issue(
          'invalid-for-each',
          at,
          hasItems ? 'both "items" and "manifest" are given' : 'neither "items" nor "manifest" is given',
          'give "items" (a field of the result holding an array) or "manifest" (a field holding {"bucket", "key"} of a JSON array in S3)',
        ),
      );
    if (forEach['toleratedFailurePercentage'] !== undefined && !hasManifest)
      found.push(
        issue(
          'invalid-for-each',
          [...at, 'toleratedFailurePercentage'],
          'Step Functions tolerates item failures only in a Distributed Map',
          'give the list as a "manifest" in S3, or remove toleratedFailurePercentage (an inline Map fails when any item fails)',
        ),
      );
  }
  return found;
}
