/**
 * Records keyed by user-chosen names (step ids, state names, pipeline names). A plain `{}` inherits
 * `constructor`, `toString`… from Object.prototype, so `name in record` and `record[name]` see those
 * for ids that are not there, and assigning `__proto__` changes the prototype instead of adding a key.
 * These records have no prototype, and lookups only see own keys.
 */
export const emptyRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** The record's own value for `key`, never one inherited from Object.prototype. */
export const ownValue = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);
