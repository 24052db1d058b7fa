import type { Rule } from './context';
import { checkCycles, checkDependencies } from './dependencies';
import { checkForEach } from './for-each';
import { checkKinds } from './kinds';
import { checkPolicies, checkTrigger } from './policies';
import { checkReuse } from './reuse';
import { checkStepIds } from './step-ids';

export { buildRuleContext, type LooseStep, type Rule, type RuleContext } from './context';

/** Every semantic rule; each reports all its findings, and all run even when others fail. */
export const RULES: readonly Rule[] = [checkStepIds, checkDependencies, checkCycles, checkKinds, checkPolicies, checkTrigger, checkForEach, checkReuse];
