import { type Issue, issue } from '../../contract/issues';
import { resourceNameOf } from '../../contract/resource-names';
import { ID_PATTERN, STEP_ID_MAX_LENGTH } from '../schema';
import type { RuleContext } from './context';

/** A long id, cut for messages: echoing 100,000 characters helps nobody. */
const shortened = (id: string): string => (id.length <= STEP_ID_MAX_LENGTH + 20 ? id : `${id.slice(0, STEP_ID_MAX_LENGTH)}…`);

/** Step ids become state names and CDK construct ids, so they must be valid for both and distinct. */
export function checkStepIds({ steps, raw }: RuleContext): Issue[] {
  const found: Issue[] = [];
  const rawSteps = raw['steps'];
  if (rawSteps !== null && typeof rawSteps === 'object' && !Array.isArray(rawSteps) && steps.size === 0) {
    found.push(issue('empty-steps', 'steps', 'the pipeline has no steps', 'add at least one step, e.g. "hello": { "kind": "simulate" }'));
  }
  const byResourceName = new Map<string, string>();
  for (const id of steps.keys()) {
    if (id.length > STEP_ID_MAX_LENGTH) {
      found.push(
        issue(
          'invalid-step-id',
          ['steps', shortened(id)],
          `step id ${JSON.stringify(shortened(id))} is ${id.length} characters long`,
          `use at most ${STEP_ID_MAX_LENGTH} (it names the step's Task state)`,
        ),
      );
    } else if (!ID_PATTERN.test(id)) {
      const cleaned = id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
      found.push(
        issue('invalid-step-id', ['steps', id], `invalid step id ${JSON.stringify(id)}`, `use only letters, digits, "-" and "_"${cleaned === '' ? '' : `, e.g. "${cleaned}"`}`),
      );
      continue;
    }
    const resourceName = resourceNameOf(id);
    const other = byResourceName.get(resourceName);
    if (other !== undefined) {
      found.push(issue('resource-name-collision', ['steps', id], `steps "${other}" and "${id}" map to the same AWS resource name "${resourceName}"`, 'rename one of them'));
    } else byResourceName.set(resourceName, id);
  }
  return found;
}
