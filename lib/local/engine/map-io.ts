/**
 * A Distributed Map's S3 side, as Step Functions does it, for the local engine (the patched
 * interpreter calls these through its `_mapIO` run option): the ItemReader reads a JSON array from an
 * object; the ResultWriter writes `<Prefix>/<map run id>/manifest.json` with the results split into
 * `SUCCEEDED_<n>.json` and `FAILED_<n>.json`, and the Map's output points at the manifest.
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3_GET_OBJECT } from '../../contract/map-items';
import { OrchestraError } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';

export interface ItemOutcome {
  readonly Status: 'SUCCEEDED' | 'FAILED';
  readonly Input: string;
  readonly Output?: string;
  readonly Error?: string;
  readonly Cause?: string;
}

export interface MapItemIO {
  readItems(reader: unknown, parameters: unknown): Promise<unknown[]>;
  writeResults(stateName: string, parameters: unknown, outcomes: readonly ItemOutcome[], context: unknown): Promise<unknown>;
}

export class MapItemsError extends OrchestraError {
  override readonly name = 'States.ItemReaderFailed';
  constructor(message: string) {
    super('map-items', message);
  }
}

/** AWS splits result files at 5 GB; locally a file per 10,000 items keeps each readable. */
const ITEMS_PER_RESULT_FILE = 10_000;

function bucketAndKey(parameters: unknown, keyField: 'Key' | 'Prefix'): { bucket: string; key: string } {
  const bucket = isJsonRecord(parameters) ? parameters['Bucket'] : undefined;
  const key = isJsonRecord(parameters) ? parameters[keyField] : undefined;
  if (typeof bucket !== 'string' || typeof key !== 'string') throw new MapItemsError(`expected {"Bucket", "${keyField}"} as strings, got ${JSON.stringify(parameters)}`);
  return { bucket, key };
}

export function s3MapItemIO(s3: S3Client): MapItemIO {
  return {
    async readItems(reader, parameters) {
      const resource = isJsonRecord(reader) ? reader['Resource'] : undefined;
      const inputType = isJsonRecord(reader) && isJsonRecord(reader['ReaderConfig']) ? reader['ReaderConfig']['InputType'] : undefined;
      if (resource !== S3_GET_OBJECT || inputType !== 'JSON')
        throw new MapItemsError(`only ${S3_GET_OBJECT} with InputType JSON is read locally, not ${String(resource)} ${String(inputType)}`);
      const { bucket, key } = bucketAndKey(parameters, 'Key');
      let text: string;
      try {
        text = (await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString()) ?? '';
      } catch (error) {
        throw new MapItemsError(`s3://${bucket}/${key}: ${error instanceof Error ? error.message : String(error)}`);
      }
      let items: unknown;
      try {
        items = JSON.parse(text);
      } catch {
        throw new MapItemsError(`s3://${bucket}/${key} is not JSON`);
      }
      if (!Array.isArray(items)) throw new MapItemsError(`s3://${bucket}/${key} holds no JSON array`);
      return items;
    },

    async writeResults(stateName, parameters, outcomes, context) {
      const { bucket, key: prefix } = bucketAndKey(parameters, 'Prefix');
      const execution = isJsonRecord(context) && isJsonRecord(context['Execution']) ? String(context['Execution']['Name']) : 'execution';
      const runId = randomUUID();
      const mapRunArn = `arn:aws:states:local:000000000000:mapRun:${execution}/${stateName}:${runId}`;
      const folder = `${prefix.replace(/\/$/, '')}/${runId}/`;
      const put = (key: string, body: unknown) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(body), ContentType: 'application/json' }));
      const files: Record<'SUCCEEDED' | 'FAILED' | 'PENDING', Array<{ Key: string; Size: number }>> = { SUCCEEDED: [], FAILED: [], PENDING: [] };
      for (const status of ['SUCCEEDED', 'FAILED'] as const) {
        const mine = outcomes.filter((outcome) => outcome.Status === status);
        for (let start = 0, n = 0; start < mine.length; start += ITEMS_PER_RESULT_FILE, n++) {
          const body = mine.slice(start, start + ITEMS_PER_RESULT_FILE).map((outcome) => ({ ...outcome, ExecutionArn: `${mapRunArn}:${start}`, StateMachineArn: mapRunArn }));
          const key = `${folder}${status}_${n}.json`;
          await put(key, body);
          files[status].push({ Key: key, Size: Buffer.byteLength(JSON.stringify(body)) });
        }
      }
      const manifest = `${folder}manifest.json`;
      await put(manifest, { DestinationBucket: bucket, MapRunArn: mapRunArn, ResultFiles: files });
      return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifest } };
    },
  };
}
