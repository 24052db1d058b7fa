/** A step that asks for `reuse` itself must be one Orchestra can reuse soundly (lib/graph/reuse.ts). */
import { type Issue, issue } from '../../contract/issues';
import { reuseRefusal } from '../reuse';
import type { RuleContext } from './context';

export function checkReuse({ steps }: RuleContext): Issue[] {
  const found: Issue[] = [];
  for (const step of steps.values()) {
    if (step.raw['reuse'] !== true) continue;
    const refusal = reuseRefusal(step.raw);
    if (refusal !== undefined) found.push(issue('invalid-reuse', ['steps', step.id, 'reuse'], `this step cannot be reused: ${refusal}`, 'remove "reuse", or set it to false'));
  }
  return found;
}
