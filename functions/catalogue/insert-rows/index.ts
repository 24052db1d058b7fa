/**
 * Upserts the night's catalogue rows (upload-products' CSV, key = first column) into the catalogue
 * (catalogue-store.ts: the pipeline's DynamoDB table in AWS, SQLite locally); existing rows are
 * replaced only with `parameters.overwrite: true`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse/sync';
import { tableEnvName } from '../../../lib/contract/environment';
import { PermanentStepError } from '../../../lib/contract/errors';
import { isJsonRecord } from '../../../lib/shared/json';
import { getText } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';
import { catalogueDatabasePath, upsertRows, upsertRowsInDynamoDb } from '../catalogue-store';

/** The step's `tables` entry: ORCHESTRA_TABLE_CATALOGUE in AWS. */
export const CATALOGUE_TABLE = 'catalogue';
/** One client per Lambda container, made on first use (warm invocations reuse its connections). */
let dynamoDb: DynamoDBClient | undefined;

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const key = Object.values(event.dependencies).find((result): result is { rows: string } => isJsonRecord(result) && typeof result['rows'] === 'string')?.rows;
  if (key === undefined) throw new PermanentStepError('no dependency result names its "rows" (a CSV key): make this step depend on upload-products');
  const records: string[][] = parse(await getText(s3, bucket, key), { skip_empty_lines: true });
  const [columns, ...rows] = records;
  if (columns === undefined) throw new PermanentStepError(`${key}: empty, not even a header`);
  const width = columns.length;
  const short = rows.findIndex((row) => row.length !== width);
  if (short >= 0) throw new PermanentStepError(`${key}:${short + 2}: ${rows[short]?.length} fields, the header has ${width}`);
  const overwrite = event.parameters?.['overwrite'] === true;
  const table = process.env[tableEnvName(CATALOGUE_TABLE)];
  const database = table === undefined ? catalogueDatabasePath() : `dynamodb:${table}`;
  const outcome =
    table === undefined ? upsertRows(database, columns, rows, overwrite) : await upsertRowsInDynamoDb((dynamoDb ??= new DynamoDBClient({})), table, columns, rows, overwrite);
  logger.info('rows upserted', { database, ...outcome });
  return { database, rows: rows.length, ...outcome };
});
