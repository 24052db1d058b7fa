/**
 * Archives the night's products: for every item the recognition steps' Distributed Maps wrote as
 * succeeded (their ResultWriter manifests), copy the scratch product to the archive prefix, verify
 * the copy — its size, then its SHA-256 read back — and only then delete the scratch copy. A copy that
 * does not verify fails the step (retried) with the scratch copy kept. Writes the catalogue rows (CSV,
 * key first) and the observations now complete (all codes archived) for insert-rows and
 * record-processed.
 */
import { createHash } from 'node:crypto';
import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { stringify } from 'csv-stringify/sync';
import { PermanentStepError } from '../../../lib/contract/errors';
import { outputPrefixOf } from '../../../lib/contract/step-event';
import { RECOGNITION_CODES } from '../../../lib/formats/catalogue/observations';
import { isJsonRecord, parseJsonObject, parseStoredJson } from '../../../lib/shared/json';
import { getBytes, getText, putObject } from '../../commons/s3-objects';
import { stepHandler } from '../../commons/step-handler';

interface Product {
  readonly obsId: string;
  readonly code: string;
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly count: number;
}

const isProduct = (value: unknown): value is Product =>
  isJsonRecord(value) &&
  typeof value['obsId'] === 'string' &&
  typeof value['code'] === 'string' &&
  typeof value['key'] === 'string' &&
  typeof value['bytes'] === 'number' &&
  typeof value['sha256'] === 'string' &&
  typeof value['count'] === 'number';

export const ROW_COLUMNS = ['product_id', 'obs_id', 'code', 'feature_count', 'archive_key', 'bytes', 'sha256'] as const;

export const handler = stepHandler(async (event, { s3, bucket, logger }) => {
  const archive = typeof event.parameters?.['archive'] === 'string' ? event.parameters['archive'] : 'catalogue/products/';
  const products: Product[] = [];
  for (const [step, result] of Object.entries(event.dependencies)) {
    const results = isJsonRecord(result) && isJsonRecord(result['results']) ? result['results'] : undefined;
    if (results === undefined || typeof results['Key'] !== 'string' || typeof results['Bucket'] !== 'string')
      throw new PermanentStepError(`${step}: expected a Distributed Map's result {"results": {"Bucket", "Key"}}: give that step forEach with "manifest"`);
    const manifest = parseJsonObject(await getText(s3, results['Bucket'], results['Key']), results['Key']);
    const files = isJsonRecord(manifest['ResultFiles']) && Array.isArray(manifest['ResultFiles']['SUCCEEDED']) ? manifest['ResultFiles']['SUCCEEDED'] : [];
    for (const file of files) {
      if (!isJsonRecord(file) || typeof file['Key'] !== 'string') continue;
      const entries = parseStoredJson(await getText(s3, results['Bucket'], file['Key']));
      for (const entry of Array.isArray(entries) ? entries : []) {
        const output = isJsonRecord(entry) && typeof entry['Output'] === 'string' ? parseStoredJson(entry['Output']) : undefined;
        if (isProduct(output)) products.push(output);
      }
    }
  }
  const rows: string[][] = [];
  for (const product of products.sort((a, b) => `${a.obsId}/${a.code}`.localeCompare(`${b.obsId}/${b.code}`))) {
    const target = `${archive}${product.obsId}/${product.code}.json`;
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: `${bucket}/${encodeURI(product.key)}` }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: target }));
    if (head.ContentLength !== product.bytes) throw new Error(`${target}: ${head.ContentLength} bytes archived, ${product.bytes} produced — scratch copy ${product.key} kept`);
    const sha256 = createHash('sha256')
      .update(await getBytes(s3, bucket, target))
      .digest('hex');
    if (sha256 !== product.sha256) throw new Error(`${target}: SHA-256 ${sha256} archived, ${product.sha256} produced — scratch copy ${product.key} kept`);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: product.key }));
    rows.push([`${product.obsId}/${product.code}`, product.obsId, product.code, String(product.count), target, String(product.bytes), product.sha256]);
  }
  // An observation is complete once every code's product is archived; the others are tried again next night.
  const codesOf = new Map<string, Set<string>>();
  for (const product of products) codesOf.set(product.obsId, (codesOf.get(product.obsId) ?? new Set()).add(product.code));
  const complete = [...codesOf].filter(([, codes]) => RECOGNITION_CODES.every((code) => codes.has(code))).map(([obsId]) => obsId);
  const output = outputPrefixOf(event);
  await putObject(s3, bucket, `${output}rows.csv`, stringify([[...ROW_COLUMNS], ...rows]), 'text/csv');
  await putObject(s3, bucket, `${output}complete.json`, JSON.stringify(complete), 'application/json');
  logger.info('products archived', { products: rows.length, complete: complete.length });
  return { rows: `${output}rows.csv`, products: rows.length, complete: `${output}complete.json`, observations: complete.length };
});
