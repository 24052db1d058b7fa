/** A step's `access` (lib/contract/step-access.ts), checked where the schema cannot: not under Orchestra's own records. */
import { accessProblems } from '../contract/step-access';
import { type Issue, issue } from '../graph/issues';
import type { LooseStep } from '../graph/rules/context';

const texts = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined);

export function checkStepAccess(step: LooseStep, graph: Readonly<Record<string, unknown>>): Issue[] {
  const access = step.raw['access'];
  if (access === null || typeof access !== 'object' || typeof graph['name'] !== 'string') return [];
  const entries = {
    read: texts('read' in access ? access.read : undefined),
    write: texts('write' in access ? access.write : undefined),
    delete: texts('delete' in access ? access.delete : undefined),
  };
  return accessProblems(graph['name'], entries).map(({ field, index, message }) =>
    issue('invalid-access', ['steps', step.id, 'access', field, index], message, "name a prefix of your own data (or of this pipeline's runs), or drop the entry"),
  );
}
