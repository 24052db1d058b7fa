/** Reading JSON that comes from outside the program (files, environment variables, request bodies) without casts. */
import { OrchestraError } from './errors';

export type JsonRecord = Record<string, unknown>;

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Parses JSON this program wrote itself (stored records): a parse failure is a damaged store, reported by the caller. */
export const parseStoredJson = (text: string): Json => JSON.parse(text);

export const isJsonRecord = (value: unknown): value is JsonRecord => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value when it is a JSON object, else undefined: for reading optional nested fields. */
export const asJsonRecord = (value: unknown): JsonRecord | undefined => (isJsonRecord(value) ? value : undefined);

/** Parses `text` as a JSON object; `what` names its origin in the error (a file, a variable). */
export function parseJsonObject(text: string, what: string): JsonRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OrchestraError('invalid-json', `${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!isJsonRecord(value)) throw new OrchestraError('invalid-json', `${what} must be a JSON object`);
  return value;
}
