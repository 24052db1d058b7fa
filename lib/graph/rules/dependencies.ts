import { type Issue, issue } from '../../contract/issues';
import { defined } from '../../shared/defined';
import { findCycles } from '../../shared/topology';
import { fixForUnknownName } from '../suggest';
import type { RuleContext } from './context';

export function checkDependencies({ steps }: RuleContext): Issue[] {
  const found: Issue[] = [];
  const ids = [...steps.keys()];
  // One search per unknown name, not per reference: 20,000 steps naming the same typo took minutes.
  const fixes = new Map<string, string>();
  const fixFor = (unknown: string, from: string): string => {
    let fix = fixes.get(unknown);
    if (fix === undefined) fixes.set(unknown, (fix = fixForUnknownName(unknown, ids)));
    // Never suggest that a step depend on itself.
    return fix === `did you mean "${from}"?`
      ? fixForUnknownName(
          unknown,
          ids.filter((id) => id !== from),
        )
      : fix;
  };
  for (const step of steps.values()) {
    const seen = new Set<string>();
    for (const dep of step.dependsOn) {
      const at = ['steps', step.id, 'dependsOn', dep.index];
      if (dep.id === step.id) {
        found.push(issue('self-dependency', at, `step "${step.id}" depends on itself`, 'remove this entry'));
      } else if (!steps.has(dep.id)) {
        found.push(issue('unknown-dependency', at, `unknown step "${dep.id}"`, fixFor(dep.id, step.id)));
      } else if (seen.has(dep.id)) {
        found.push(issue('duplicate-dependency', at, `"${dep.id}" is listed twice`, 'remove the duplicate', 'warning'));
      }
      seen.add(dep.id);
    }
  }
  return found;
}

export function checkCycles({ graph }: RuleContext): Issue[] {
  return findCycles(graph).map((cycle) =>
    issue(
      'dependency-cycle',
      ['steps', defined(cycle[0]), 'dependsOn'],
      `dependency cycle: ${cycle.join(' → ')}`,
      `no step of a cycle can ever start; remove one of these dependencies`,
    ),
  );
}
