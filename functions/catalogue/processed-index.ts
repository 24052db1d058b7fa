/**
 * The catalogue's processed-history index: `catalogue/processed.json` in the data bucket, observation
 * id → the run that catalogued it. list-window skips what it holds; record-processed adds to it only
 * once the run's rows are in the database, so a failed night is retried the next one.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { isJsonRecord, parseJsonObject } from '../../lib/shared/json';
import { exists, getText, putObject } from '../commons/s3-objects';

export const PROCESSED_INDEX_KEY = 'catalogue/processed.json';

export type ProcessedIndex = Record<string, { runId: string; at: string }>;

export async function readProcessedIndex(s3: S3Client, bucket: string): Promise<ProcessedIndex> {
  if (!(await exists(s3, bucket, PROCESSED_INDEX_KEY))) return {};
  const index: ProcessedIndex = {};
  for (const [obsId, entry] of Object.entries(parseJsonObject(await getText(s3, bucket, PROCESSED_INDEX_KEY), PROCESSED_INDEX_KEY)))
    if (isJsonRecord(entry) && typeof entry['runId'] === 'string' && typeof entry['at'] === 'string') index[obsId] = { runId: entry['runId'], at: entry['at'] };
  return index;
}

export const writeProcessedIndex = (s3: S3Client, bucket: string, index: ProcessedIndex): Promise<void> =>
  putObject(s3, bucket, PROCESSED_INDEX_KEY, JSON.stringify(index, null, 1), 'application/json');
