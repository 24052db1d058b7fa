import { reservedPrefixOverlapping } from '../../contract/step-event';
import { defined } from '../../shared/defined';
import { asJsonRecord } from '../../shared/json';
import { type Issue, issue } from '../issues';
import type { RuleContext } from './context';

function checkRetry(retry: Record<string, unknown> | undefined, at: string[]): Issue[] {
  if (retry === undefined) return [];
  const interval = retry['intervalSeconds'] ?? 2;
  const maxDelay = retry['maxDelaySeconds'];
  if (typeof interval === 'number' && typeof maxDelay === 'number' && maxDelay < interval) {
    return [
      issue(
        'invalid-retry',
        [...at, 'maxDelaySeconds'],
        `maxDelaySeconds (${maxDelay}) is below intervalSeconds (${interval})`,
        `raise maxDelaySeconds to at least ${interval} or lower intervalSeconds`,
      ),
    ];
  }
  return [];
}

/** Cross-field checks the schema cannot express. */
export function checkPolicies({ steps, raw }: RuleContext): Issue[] {
  const found = checkRetry(asJsonRecord(asJsonRecord(raw['defaults'])?.['retry']), ['defaults', 'retry']);
  for (const step of steps.values()) {
    found.push(...checkRetry(asJsonRecord(step.raw['retry']), ['steps', step.id, 'retry']));
  }
  return found;
}

export function checkTrigger({ raw }: RuleContext): Issue[] {
  const trigger = asJsonRecord(raw['trigger']);
  if (trigger === undefined) return [];
  const found: Issue[] = [];
  const mode = trigger['mode'] ?? 'per-object';
  const datasetOnly = ['requiredFiles', 'marker'].filter((key) => trigger[key] !== undefined);
  if (mode !== 'dataset' && datasetOnly.length > 0) {
    found.push(issue('invalid-trigger', ['trigger', defined(datasetOnly[0])], `"${datasetOnly[0]}" only applies in dataset mode`, 'add "mode": "dataset" or remove it'));
  }
  if (mode === 'dataset' && datasetOnly.length === 0) {
    found.push(issue('invalid-trigger', ['trigger', 'mode'], 'dataset mode needs "requiredFiles" or "marker" to know when a dataset is complete', 'add e.g. "marker": "_READY"'));
  }
  if (trigger['ingestPrefix'] === undefined && trigger['schedule'] === undefined) {
    found.push(issue('invalid-trigger', ['trigger'], 'the trigger has neither "ingestPrefix" nor "schedule"', 'add one, or remove "trigger"'));
  }
  found.push(...checkTriggerPaths(trigger));
  if (trigger['ingestPrefix'] === undefined && (trigger['mode'] !== undefined || datasetOnly.length > 0)) {
    found.push(issue('invalid-trigger', ['trigger'], 'upload settings without "ingestPrefix"', 'add "ingestPrefix", e.g. "ingest/my-pipeline/"'));
  }
  return found;
}

const hasDotSegment = (path: string): boolean => path.split('/').some((segment) => segment === '.' || segment === '..');

/** Paths a trigger watches: never where Orchestra writes (it would start runs without end), never relative tricks. */
function checkTriggerPaths(trigger: Record<string, unknown>): Issue[] {
  const found: Issue[] = [];
  const { ingestPrefix, marker, requiredFiles } = trigger;
  if (typeof ingestPrefix === 'string') {
    const reserved = reservedPrefixOverlapping(ingestPrefix);
    if (reserved !== undefined) {
      found.push(
        issue(
          'invalid-trigger',
          ['trigger', 'ingestPrefix'],
          `"${ingestPrefix}" overlaps "${reserved}", where Orchestra writes run outputs and CLI uploads: every run would start new runs, without end`,
          `use a prefix of its own, e.g. "ingest/${ingestPrefix.replace(/\/$/, '').split('/').pop() ?? 'data'}/"`,
        ),
      );
    }
    if (hasDotSegment(ingestPrefix))
      found.push(issue('invalid-trigger', ['trigger', 'ingestPrefix'], `"${ingestPrefix}" has a "." or ".." segment`, 'write the prefix without them'));
  }
  if (typeof marker === 'string' && (marker.includes('/') || marker === '.' || marker === '..')) {
    found.push(issue('invalid-trigger', ['trigger', 'marker'], `marker "${marker}" is not a file name`, 'give a file name in the dataset folder, e.g. "_READY"'));
  }
  if (Array.isArray(requiredFiles)) {
    for (const [index, file] of requiredFiles.entries()) {
      if (typeof file === 'string' && (file.startsWith('/') || hasDotSegment(file) || file.endsWith('/'))) {
        found.push(
          issue(
            'invalid-trigger',
            ['trigger', 'requiredFiles', index],
            `"${file}" is not a file inside the dataset folder`,
            'give a path relative to the dataset folder, e.g. "dem.asc"',
          ),
        );
      }
    }
  }
  return found;
}
