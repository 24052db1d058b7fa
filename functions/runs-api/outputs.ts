/**
 * `GET /pipelines/{pipeline}/runs/{runId}/outputs`: what a run wrote under its prefix in the data
 * bucket, each object with presigned GET URLs (to show and to download) and, for small text files, the
 * text itself. Presigned URLs let a browser fetch the bytes straight from S3 (no API Gateway payload
 * limit, no binary media types, no AWS credentials in the page); the text previews travel in the JSON
 * so a page needs no cross-origin read of the bucket.
 */
import { GetObjectCommand, ListObjectsV2Command, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  isStepReport,
  MAX_OUTPUTS_ANSWER_BYTES,
  MAX_OUTPUTS_LISTED,
  MAX_PREVIEWS,
  OUTPUT_URL_SECONDS,
  outputsTokenOf,
  PREVIEW_MAX_BYTES,
  type RunOutput,
  type RunOutputs,
  STEP_REPORT_FILES,
} from '../../lib/contract/run-outputs';
import { runPrefixFor } from '../../lib/contract/step-event';

/** Content types of the files a page can show: images inline, text as text. Anything else is downloaded. */
const CONTENT_TYPES: Readonly<Record<string, { readonly type: string; readonly text: boolean }>> = {
  png: { type: 'image/png', text: false },
  jpg: { type: 'image/jpeg', text: false },
  jpeg: { type: 'image/jpeg', text: false },
  gif: { type: 'image/gif', text: false },
  webp: { type: 'image/webp', text: false },
  svg: { type: 'image/svg+xml', text: false },
  json: { type: 'application/json', text: true },
  geojson: { type: 'application/geo+json', text: true },
  csv: { type: 'text/csv', text: true },
  tsv: { type: 'text/tab-separated-values', text: true },
  txt: { type: 'text/plain', text: true },
  log: { type: 'text/plain', text: true },
  md: { type: 'text/markdown', text: true },
  yaml: { type: 'application/yaml', text: true },
  yml: { type: 'application/yaml', text: true },
};

const extensionOf = (key: string): string => /\.([A-Za-z0-9]+)$/.exec(key)?.[1]?.toLowerCase() ?? '';
const HTML_REPORT = { type: 'text/html', text: false } as const;
const contentTypeOf = (key: string) => CONTENT_TYPES[extensionOf(key)] ?? { type: 'application/octet-stream', text: false };
/** RFC 6266 filename: quotes and non-ASCII characters replaced (the UTF-8 form carries the real name). */
const dispositionOf = (name: string): string => `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export interface OutputsPage {
  readonly limit: number;
  /** List keys after this one (from the previous page's token). */
  readonly after?: string;
}

/** Bytes a value adds to the answer's JSON (with the comma that separates it). */
const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8') + 1;

/** The first outputs that fit one answer: its other fields take well under a kilobyte, the outputs the rest of the budget (at least one). */
function withinAnswerBudget(prefix: string, described: readonly RunOutput[]): RunOutput[] {
  let bytes = 1024 + jsonBytes(prefix);
  const outputs: RunOutput[] = [];
  for (const output of described) {
    bytes += jsonBytes(output);
    if (bytes > MAX_OUTPUTS_ANSWER_BYTES && outputs.length > 0) break;
    outputs.push(output);
  }
  return outputs;
}

/** Each listed object as the answer gives it: its step and path, content type, presigned URLs, the text of the first small text files. */
async function describeOutputs(
  data: { readonly s3: S3Client; readonly bucket: string },
  prefix: string,
  listed: ReadonlyArray<{ readonly key: string; readonly size: number }>,
  stepSucceeded: (step: string) => boolean,
): Promise<RunOutput[]> {
  let previews = 0;
  return Promise.all(
    listed.map(async ({ key, size }): Promise<RunOutput> => {
      const [first = '', ...rest] = key.slice(prefix.length).split('/');
      // A file straight under the run's prefix (no step folder) belongs to no step.
      const [step, path] = rest.length === 0 ? ['', first] : [first, rest.join('/')];
      // A step's HTML report is shown as HTML, in the console's sandboxed frame; any other HTML file downloads.
      const kind = path === 'report.html' && isStepReport({ step, path }) ? HTML_REPORT : contentTypeOf(key);
      // Decided before any await, so the previews go to the first text files in key order.
      const previewed = kind.text && size <= PREVIEW_MAX_BYTES && previews++ < MAX_PREVIEWS;
      const sign = (disposition?: string) =>
        getSignedUrl(
          data.s3,
          new GetObjectCommand({
            Bucket: data.bucket,
            Key: key,
            ResponseContentType: kind.type,
            ...(disposition === undefined ? {} : { ResponseContentDisposition: disposition }),
          }),
          { expiresIn: OUTPUT_URL_SECONDS },
        );
      const [url, downloadUrl] = await Promise.all([sign(), sign(dispositionOf(key.slice(key.lastIndexOf('/') + 1)))]);
      const preview = previewed ? await data.s3.send(new GetObjectCommand({ Bucket: data.bucket, Key: key })).then((object) => object.Body?.transformToString('utf8')) : undefined;
      const unfinished = step !== '' && !stepSucceeded(step);
      return { key, step, path, size, contentType: kind.type, url, downloadUrl, ...(preview === undefined ? {} : { preview }), ...(unfinished ? { unfinished: true } : {}) };
    }),
  );
}

/**
 * One page of a run's outputs, in key order: at most `page.limit` files, and fewer when the answer
 * would pass MAX_OUTPUTS_ANSWER_BYTES. `stepSucceeded` says which steps' files are results; the
 * others' are marked unfinished.
 */
export async function listRunOutputs(
  data: { readonly s3: S3Client; readonly bucket: string },
  pipeline: string,
  runId: string,
  page: OutputsPage,
  stepSucceeded: (step: string) => boolean,
): Promise<RunOutputs> {
  const prefix = runPrefixFor(pipeline, runId);
  const listed: Array<{ key: string; size: number }> = [];
  let more = false;
  const pages = paginateListObjectsV2({ client: data.s3, pageSize: Math.min(page.limit + 1, MAX_OUTPUTS_LISTED) }, { Bucket: data.bucket, Prefix: prefix, StartAfter: page.after });
  for await (const listing of pages) {
    for (const object of listing.Contents ?? []) {
      if (object.Key === undefined || object.Key.endsWith('/')) continue;
      if (listed.length === page.limit) more = true;
      else listed.push({ key: object.Key, size: object.Size ?? 0 });
    }
    if (more) break;
  }
  const described = await describeOutputs(data, prefix, listed, stepSucceeded);
  const outputs = withinAnswerBudget(prefix, described);
  const last = outputs.at(-1);
  const truncated = more || outputs.length < described.length;
  return { prefix, outputs, truncated, ...(truncated && last !== undefined ? { nextToken: outputsTokenOf(last.key) } : {}) };
}

/** Step folders listed at once: a run of a thousand steps asks for each folder's report, sixteen at a time. */
const REPORT_LISTINGS_AT_ONCE = 16;

/**
 * Every step's report (STEP_REPORT_FILES at its folder's root), wherever its key falls among the run's
 * outputs: a step writing thousands of files would put its report pages after the first. One listing
 * of the run's folders, then one of each folder's `report.` keys.
 */
export async function listStepReports(
  data: { readonly s3: S3Client; readonly bucket: string },
  pipeline: string,
  runId: string,
  stepSucceeded: (step: string) => boolean,
): Promise<RunOutputs> {
  const prefix = runPrefixFor(pipeline, runId);
  const folders: string[] = [];
  for await (const listing of paginateListObjectsV2({ client: data.s3 }, { Bucket: data.bucket, Prefix: prefix, Delimiter: '/' }))
    for (const folder of listing.CommonPrefixes ?? []) if (folder.Prefix !== undefined) folders.push(folder.Prefix);
  const reports: Array<{ key: string; size: number }> = [];
  for (let start = 0; start < folders.length; start += REPORT_LISTINGS_AT_ONCE) {
    const found = await Promise.all(
      folders.slice(start, start + REPORT_LISTINGS_AT_ONCE).map(async (folder) => {
        const listing = await data.s3.send(new ListObjectsV2Command({ Bucket: data.bucket, Prefix: `${folder}report.`, MaxKeys: 10 }));
        const keys = (listing.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [{ key: object.Key, size: object.Size ?? 0 }]));
        // The first name of STEP_REPORT_FILES the step wrote, as the console shows one report per step.
        const name = STEP_REPORT_FILES.find((file) => keys.some(({ key }) => key === `${folder}${file}`));
        return name === undefined ? [] : keys.filter(({ key }) => key === `${folder}${name}`);
      }),
    );
    reports.push(...found.flat());
  }
  const described = (await describeOutputs(data, prefix, reports, stepSucceeded)).filter((output) => output.unfinished !== true);
  // A report of each of thousands of steps may not fit one answer.
  const outputs = withinAnswerBudget(prefix, described);
  return { prefix, outputs, truncated: outputs.length < described.length };
}
