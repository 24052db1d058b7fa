/** The catalogue's row store in both places it runs: SQLite locally, the pipeline's DynamoDB table in AWS (dynalite). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { readTable, upsertRows, upsertRowsInDynamoDb } from '../../functions/catalogue/catalogue-store';
import { startDynalite } from '../helpers/dynalite';

const columns = ['product_id', 'obs_id', 'value'];
const rows = [
  ['o1/peaks', 'o1', '3'],
  ['o2/peaks', 'o2', '5'],
];
const changed = [['o1/peaks', 'o1', '4']];

describe('upserting catalogue rows into SQLite (local)', () => {
  const database = () => join(mkdtempSync(join(tmpdir(), 'orchestra-upsert-')), 'c.sqlite');

  it('gives the same table for the same rows twice', () => {
    const path = database();
    expect(upsertRows(path, columns, rows, false)).toEqual({ inserted: 2, replaced: 0, unchanged: 0 });
    const once = readTable(path);
    expect(upsertRows(path, columns, rows, false)).toEqual({ inserted: 0, replaced: 0, unchanged: 2 });
    expect(readTable(path)).toEqual(once);
  });

  it('replaces an existing row only when asked', () => {
    const path = database();
    upsertRows(path, columns, rows, false);
    expect(upsertRows(path, columns, changed, false)).toEqual({ inserted: 0, replaced: 0, unchanged: 1 });
    expect(readTable(path)[0]).toMatchObject({ value: '3' });
    expect(upsertRows(path, columns, changed, true)).toEqual({ inserted: 0, replaced: 1, unchanged: 0 });
    expect(readTable(path)[0]).toMatchObject({ value: '4' });
  });
});

describe('upserting catalogue rows into DynamoDB (AWS)', async () => {
  const dynamo = await startDynalite('catalogue', { sortKey: false });
  afterAll(() => dynamo.stop());
  const items = async () =>
    ((await dynamo.client.send(new ScanCommand({ TableName: 'catalogue' }))).Items ?? [])
      .map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S])))
      .sort((a, b) => String(a['pk']).localeCompare(String(b['pk'])));

  it('gives the same table for the same rows twice, and replaces a row only when asked', async () => {
    expect(await upsertRowsInDynamoDb(dynamo.client, 'catalogue', columns, rows, false)).toEqual({ inserted: 2, replaced: 0, unchanged: 0 });
    const once = await items();
    expect(once[0]).toEqual({ pk: 'o1/peaks', product_id: 'o1/peaks', obs_id: 'o1', value: '3' });
    expect(await upsertRowsInDynamoDb(dynamo.client, 'catalogue', columns, rows, false)).toEqual({ inserted: 0, replaced: 0, unchanged: 2 });
    expect(await items()).toEqual(once);
    expect(await upsertRowsInDynamoDb(dynamo.client, 'catalogue', columns, changed, false)).toEqual({ inserted: 0, replaced: 0, unchanged: 1 });
    expect(await upsertRowsInDynamoDb(dynamo.client, 'catalogue', columns, changed, true)).toEqual({ inserted: 0, replaced: 1, unchanged: 0 });
    expect(await upsertRowsInDynamoDb(dynamo.client, 'catalogue', columns, changed, true)).toEqual({ inserted: 0, replaced: 0, unchanged: 1 });
    expect((await items())[0]).toMatchObject({ value: '4' });
  });
});
