import { type Issue, issue } from '../../contract/issues';
import { reservedPrefixOverlapping } from '../../contract/step-event';
import { defined } from '../../shared/defined';
import { asJsonRecord } from '../../shared/json';
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
  if (mode === 'keyed') return checkKeyedTrigger(trigger);
  const keyedOnly = KEYED_ONLY.filter((key) => trigger[key] !== undefined);
  if (keyedOnly.length > 0) {
    found.push(issue('invalid-trigger', ['trigger', defined(keyedOnly[0])], `"${keyedOnly[0]}" only applies in keyed mode`, 'add "mode": "keyed" or remove it'));
  }
  const datasetOnly = ['requiredFiles', 'marker', 'case'].filter((key) => trigger[key] !== undefined);
  if (mode !== 'dataset' && datasetOnly.length > 0) {
    found.push(issue('invalid-trigger', ['trigger', defined(datasetOnly[0])], `"${datasetOnly[0]}" only applies in dataset mode`, 'add "mode": "dataset" or remove it'));
  }
  if (trigger['case'] !== undefined && (trigger['requiredFiles'] !== undefined || trigger['marker'] !== undefined))
    found.push(issue('invalid-trigger', ['trigger', 'case'], 'a case names its own files: "requiredFiles" and "marker" would not be used', 'remove them, or remove "case"'));
  if (mode === 'dataset' && datasetOnly.length === 0) {
    found.push(
      issue('invalid-trigger', ['trigger', 'mode'], 'dataset mode needs "requiredFiles", "marker" or "case" to know when a dataset is complete', 'add e.g. "marker": "_READY"'),
    );
  }
  if (trigger['ingestPrefix'] === undefined && trigger['schedule'] === undefined) {
    found.push(issue('invalid-trigger', ['trigger'], 'the trigger has neither "ingestPrefix" nor "schedule"', 'add one, or remove "trigger"'));
  }
  found.push(...checkTriggerPaths(trigger));
  for (const key of ['timezone', 'catchUp'] as const)
    if (trigger[key] !== undefined && trigger['schedule'] === undefined)
      found.push(issue('invalid-trigger', ['trigger', key], `"${key}" only applies to a "schedule"`, 'add "schedule", or remove it'));
  if (trigger['ingestPrefix'] === undefined && (trigger['mode'] !== undefined || datasetOnly.length > 0)) {
    found.push(issue('invalid-trigger', ['trigger'], 'upload settings without "ingestPrefix"', 'add "ingestPrefix", e.g. "ingest/my-pipeline/"'));
  }
  return found;
}

const KEYED_ONLY = ['dataPrefix', 'required', 'optional', 'optionalGraceSeconds', 'expireAfterSeconds', 'reprocess'] as const;

/** Keyed mode: data items under `<dataPrefix><type>/<key>/`, never where Orchestra writes, each type either required or optional. */
function checkKeyedTrigger(trigger: Record<string, unknown>): Issue[] {
  const found: Issue[] = [];
  for (const key of ['ingestPrefix', 'requiredFiles'] as const) {
    if (trigger[key] !== undefined)
      found.push(issue('invalid-trigger', ['trigger', key], `"${key}" does not apply in keyed mode`, 'keyed data items live under "dataPrefix" (default "data/"): remove it'));
  }
  if (!Array.isArray(trigger['required']) || trigger['required'].length === 0) {
    found.push(
      issue('invalid-trigger', ['trigger', 'required'], 'keyed mode needs the data types a key must have before its run starts', 'add e.g. "required": ["EclTmVhfAlert"]'),
    );
  }
  const required = new Set(Array.isArray(trigger['required']) ? trigger['required'] : []);
  if (Array.isArray(trigger['optional'])) {
    for (const [index, type] of trigger['optional'].entries()) {
      if (required.has(type))
        found.push(issue('invalid-trigger', ['trigger', 'optional', index], `"${String(type)}" is both required and optional`, 'keep it in one of the two lists'));
    }
  }
  const dataPrefix = trigger['dataPrefix'];
  if (typeof dataPrefix === 'string') {
    const reserved = reservedPrefixOverlapping(dataPrefix);
    if (reserved !== undefined)
      found.push(issue('invalid-trigger', ['trigger', 'dataPrefix'], `"${dataPrefix}" overlaps "${reserved}", ${WHERE_ORCHESTRA_WRITES}`, 'use a prefix of its own, e.g. "data/"'));
    if (hasDotSegment(dataPrefix)) found.push(issue('invalid-trigger', ['trigger', 'dataPrefix'], `"${dataPrefix}" has a "." or ".." segment`, 'write the prefix without them'));
  }
  const marker = trigger['marker'];
  if (typeof marker === 'string' && (marker.includes('/') || marker === '.' || marker === '..')) {
    found.push(issue('invalid-trigger', ['trigger', 'marker'], `marker "${marker}" is not a file name`, 'give a file name in the data item folder, e.g. "_READY"'));
  }
  return found;
}

/** What the reserved prefixes (RESERVED_PREFIXES) hold. */
const WHERE_ORCHESTRA_WRITES = "where Orchestra writes its own objects (run outputs, CLI uploads, service steps' waits, backfill plans, reuse entries)";

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
          `"${ingestPrefix}" overlaps "${reserved}", ${WHERE_ORCHESTRA_WRITES}: every run would start new runs, without end`,
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
