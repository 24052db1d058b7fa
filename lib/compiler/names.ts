/** Readable, unique, ≤ 80-character state names (an AWS limit), derived from step ids. */
import { createHash } from 'node:crypto';

export const MAX_STATE_NAME_LENGTH = 80;

const shortHash = (text: string): string => createHash('sha1').update(text).digest('hex').slice(0, 8);

function fitName(name: string, key: string): string {
  if (name.length <= MAX_STATE_NAME_LENGTH) return name;
  const suffix = ` #${shortHash(key)}`;
  return `${name.slice(0, MAX_STATE_NAME_LENGTH - suffix.length - 1)}…${suffix}`;
}

/** Generated names contain spaces or ":", which step ids cannot, so they never clash with a step. */
export const derivedStateName = (stepId: string, role: 'skipped' | 'failed' | 'check dependencies' | ReuseRole): string => fitName(`${stepId}: ${role}`, `${stepId}/${role}`);

/** The states around a reused step (lib/compiler/reuse.ts). */
export type ReuseRole = 'reuse check' | 'reusable?' | 'reused' | 'save for reuse';

/** The Task inside a `forEach` step's Map, which runs once per item. */
export const mapItemStateName = (stepId: string): string => fitName(`${stepId}: item`, `${stepId}/item`);

/** Short on purpose: a Parallel's name appears twice (key and Next) and big graphs have hundreds. */
export const parallelStateName = (stepIds: readonly string[]): string => blockStateName('Parallel', stepIds);

/**
 * The Pass that drops unneeded results before a block: named by the block's steps, since a branch and
 * the first block inside it may both start with a drop (they never hold the same steps).
 */
export const dropStateName = (stepIds: readonly string[]): string => blockStateName('Drop unused results', stepIds);

function blockStateName(role: string, stepIds: readonly string[]): string {
  const full = `${role}: ${stepIds.join(', ')}`;
  if (full.length <= 48) return full;
  return `${role}: ${stepIds[0]} +${stepIds.length - 1} #${shortHash(stepIds.join(','))}`.slice(0, MAX_STATE_NAME_LENGTH);
}

export const PREPARE_STATE = 'Prepare run';
export const CHECK_FAILURES_STATE = 'Check step failures';
export const SUMMARISE_FAILURES_STATE = 'Summarise step failures';
export const STEPS_FAILED_STATE = 'Steps failed';
export const DONE_STATE = 'Done';
