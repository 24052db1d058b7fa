/**
 * Where catalogue rows are kept: a table keyed by the rows' first column. Upserting the same rows
 * twice leaves the same table; an existing row is replaced only when asked (`overwrite`).
 * - In AWS, the pipeline's DynamoDB table (the step's `tables`: ORCHESTRA_TABLE_CATALOGUE): one
 *   conditional PutItem per row — idempotent, serverless, no connection pool for Lambdas to exhaust.
 * - Locally, a SQLite file (Node's built-in node:sqlite: no native module to build), at CATALOGUE_DB or
 *   `.orchestra/catalogue.sqlite`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type AttributeValue, ConditionalCheckFailedException, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';

export interface UpsertOutcome {
  readonly inserted: number;
  readonly replaced: number;
  readonly unchanged: number;
}

const TABLE = 'catalogue';
const identifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export const catalogueDatabasePath = (): string => process.env['CATALOGUE_DB'] ?? '.orchestra/catalogue.sqlite';

/** Upserts into DynamoDB: a row's first column is its `pk`, every column a string attribute. */
export async function upsertRowsInDynamoDb(
  client: DynamoDBClient,
  table: string,
  columns: readonly string[],
  rows: readonly string[][],
  overwrite: boolean,
): Promise<UpsertOutcome> {
  let inserted = 0;
  let replaced = 0;
  let unchanged = 0;
  for (const row of rows) {
    const item: Record<string, AttributeValue> = { pk: { S: row[0] ?? '' } };
    columns.forEach((column, i) => {
      item[column] = { S: row[i] ?? '' };
    });
    try {
      await client.send(new PutItemCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      inserted++;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (!overwrite) {
        unchanged++;
        continue;
      }
      const existing = (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: row[0] ?? '' } }, ConsistentRead: true }))).Item ?? {};
      if (columns.every((column, i) => existing[column]?.S === row[i])) unchanged++;
      else {
        await client.send(new PutItemCommand({ TableName: table, Item: item }));
        replaced++;
      }
    }
  }
  return { inserted, replaced, unchanged };
}

export function upsertRows(path: string, columns: readonly string[], rows: readonly string[][], overwrite: boolean): UpsertOutcome {
  mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  try {
    const [key, ...rest] = columns;
    if (key === undefined) throw new Error('the CSV has no header');
    db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (${identifier(key)} TEXT PRIMARY KEY${rest.map((c) => `, ${identifier(c)} TEXT`).join('')})`);
    const known = new Set(
      db
        .prepare(`SELECT name FROM pragma_table_info('${TABLE}')`)
        .all()
        .map((row) => String(row['name'])),
    );
    for (const column of columns) if (!known.has(column)) db.exec(`ALTER TABLE ${TABLE} ADD COLUMN ${identifier(column)} TEXT`);
    const list = columns.map(identifier).join(', ');
    const placeholders = columns.map(() => '?').join(', ');
    const find = db.prepare(`SELECT ${list} FROM ${TABLE} WHERE ${identifier(key)} = ?`);
    const insert = db.prepare(`INSERT INTO ${TABLE} (${list}) VALUES (${placeholders})`);
    const replace = db.prepare(`UPDATE ${TABLE} SET ${columns.map((c) => `${identifier(c)} = ?`).join(', ')} WHERE ${identifier(key)} = ?`);
    let inserted = 0;
    let replaced = 0;
    let unchanged = 0;
    db.exec('BEGIN');
    try {
      for (const row of rows) {
        const existing = find.get(row[0] ?? '');
        if (existing === undefined) {
          insert.run(...row);
          inserted++;
        } else if (overwrite && columns.some((c, i) => existing[c] !== row[i])) {
          replace.run(...row, row[0] ?? '');
          replaced++;
        } else unchanged++;
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    return { inserted, replaced, unchanged };
  } finally {
    db.close();
  }
}

export function readTable(path: string): Array<Record<string, unknown>> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db
      .prepare(`SELECT * FROM ${TABLE} ORDER BY 1`)
      .all()
      .map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}
