/**
 * The keyed triggers' ledger in DynamoDB: one item per key (`sk = "KEY"`), per arrival and per run
 * claim, under `pk = <pipeline>#<key>`. Conditional writes give the first writer the win, as the
 * local ledger's INSERT OR IGNORE does; reads are strongly consistent.
 */
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Arrival, KeyLedger, KeyRecord, RunClaim } from './key-ledger';

type Item = Record<string, AttributeValue>;

const partitionOf = (pipeline: string, key: string): string => `${pipeline}#${key}`;

/** DynamoDB's longest sort key, in UTF-8 bytes. */
const MAX_SORT_KEY_BYTES = 1024;

/**
 * One item per object version. A long object key (S3 allows 1,024 bytes) made the sort key too long for
 * DynamoDB: such a one is a hash (the item keeps the key itself); shorter ones stay as they always were.
 */
export function arrivalSortKey(type: string, objectKey: string, etag: string): string {
  const natural = `ARRIVAL#${type}#${objectKey}#${etag}`;
  return Buffer.byteLength(natural) <= MAX_SORT_KEY_BYTES ? natural : `ARRIVAL#sha256:${createHash('sha256').update(`${type}\n${objectKey}\n${etag}`).digest('hex')}`;
}
const s = (value: string): AttributeValue => ({ S: value });
const read = (item: Item | undefined, name: string): string | undefined => item?.[name]?.S;
const conditionFailed = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

export class DynamoDbKeyLedger implements KeyLedger {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  private async putIfAbsent(item: Item): Promise<boolean> {
    try {
      await this.dynamodb.send(new PutItemCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Creates the key's item if need be and sets each of `times` to `at` unless it is set: one conditional
   * write that returns the item, so the first writer's times come back without a read.
   */
  private async setOnce(pipeline: string, key: string, at: string, times: ReadonlyArray<'firstSeen' | 'readyAt'>): Promise<Item | undefined> {
    const result = await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: s(partitionOf(pipeline, key)), sk: s('KEY') },
        UpdateExpression: `SET ${times.map((time) => `${time} = if_not_exists(${time}, :at)`).join(', ')}, pipeline = :pipeline, #key = :key`,
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':at': s(at), ':pipeline': s(pipeline), ':key': s(key) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes;
  }

  async recordArrival({ pipeline, key, type, objectKey, etag, at }: Arrival): Promise<string> {
    const firstSeen = read(await this.setOnce(pipeline, key, at, ['firstSeen']), 'firstSeen') ?? at;
    await this.putIfAbsent({ pk: s(partitionOf(pipeline, key)), sk: s(arrivalSortKey(type, objectKey, etag)), type: s(type), objectKey: s(objectKey), etag: s(etag), at: s(at) });
    return firstSeen;
  }

  async markReady(pipeline: string, key: string, at: string): Promise<string> {
    return read(await this.setOnce(pipeline, key, at, ['readyAt', 'firstSeen']), 'readyAt') ?? at;
  }

  async claimRun(claim: RunClaim): Promise<{ readonly claim: RunClaim; readonly won: boolean }> {
    const pk = s(partitionOf(claim.pipeline, claim.key));
    const sk = s(`RUN#${claim.version}`);
    const won = await this.putIfAbsent({ pk, sk, version: s(claim.version), runName: s(claim.runName), input: s(claim.input), claimedAt: s(claim.claimedAt) });
    if (won) return { claim, won };
    const existing = (await this.dynamodb.send(new GetItemCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item;
    return {
      won: false,
      claim: {
        ...claim,
        runName: read(existing, 'runName') ?? claim.runName,
        input: read(existing, 'input') ?? claim.input,
        claimedAt: read(existing, 'claimedAt') ?? claim.claimedAt,
      },
    };
  }

  async expire(pipeline: string, key: string, at: string): Promise<boolean> {
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(partitionOf(pipeline, key)), sk: s('KEY') },
          UpdateExpression: 'SET expiredAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(readyAt) AND attribute_not_exists(expiredAt)',
          ExpressionAttributeValues: { ':at': s(at) },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async get(pipeline: string, key: string): Promise<KeyRecord | undefined> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.dynamodb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': s(partitionOf(pipeline, key)) },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    const keyItem = items.find((item) => read(item, 'sk') === 'KEY');
    if (keyItem === undefined) return undefined;
    const arrivals = items
      .filter((item) => read(item, 'sk')?.startsWith('ARRIVAL#'))
      .map((item) => ({ pipeline, key, type: read(item, 'type') ?? '', objectKey: read(item, 'objectKey') ?? '', etag: read(item, 'etag') ?? '', at: read(item, 'at') ?? '' }))
      .sort((a, b) => a.at.localeCompare(b.at) || a.objectKey.localeCompare(b.objectKey));
    const claims = items
      .filter((item) => read(item, 'sk')?.startsWith('RUN#'))
      .map((item) => ({
        pipeline,
        key,
        version: read(item, 'version') ?? '',
        runName: read(item, 'runName') ?? '',
        input: read(item, 'input') ?? '',
        claimedAt: read(item, 'claimedAt') ?? '',
      }))
      .sort((a, b) => a.claimedAt.localeCompare(b.claimedAt));
    return { pipeline, key, firstSeen: read(keyItem, 'firstSeen') ?? '', readyAt: read(keyItem, 'readyAt'), expiredAt: read(keyItem, 'expiredAt'), arrivals, claims };
  }
}
