import type { Issue } from '../../contract/issues';
import { STEP_KIND_SPECS } from '../../kinds/specs';
import { looseTimeoutSeconds } from '../resolve-step';
import { isStepKind } from '../schema';
import type { RuleContext } from './context';

/** Each kind's own checks (handler files, Dockerfile folders, Lambda's timeout cap), from its spec in lib/kinds. */
export function checkKinds({ steps, rootDir, raw }: RuleContext): Issue[] {
  return [...steps.values()].flatMap((step) =>
    isStepKind(step.kind) ? (STEP_KIND_SPECS[step.kind].check?.(step, { rootDir, graph: raw, timeoutSeconds: looseTimeoutSeconds(step.kind, step.raw, raw) }) ?? []) : [],
  );
}
