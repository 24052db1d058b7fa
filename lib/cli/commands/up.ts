/**
 * `orchestra up`: the embedded S3 and the upload triggers of every pipeline in state-machines/,
 * running until Ctrl-C. Any S3 client can upload; each run is printed as it starts and ends.
 */
import { join } from 'node:path';
import { loadCatalogue } from '../../catalogue';
import { projectRootOf } from '../../graph/validate';
import { LOCAL_CREDENTIALS } from '../../local/embedded-s3';
import { LocalRuntime } from '../../local/runtime';
import { EXIT_OK } from '../exit-codes';
import { type DataDirOption, dataDirOf } from '../local-session';
import type { Output } from '../output';

export interface UpOptions extends DataDirOption {
  /** @default 4568 */
  port?: number;
  /** Resolves to stop the server; @default SIGINT or SIGTERM */
  until?: Promise<void>;
}

export const DEFAULT_S3_PORT = 4568;

export async function upCommand(options: UpOptions, output: Output): Promise<number> {
  // Listen before any work (and before saying how to stop), so Ctrl-C at any moment stops the server cleanly.
  const stopRequested =
    options.until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  const root = projectRootOf(join(process.cwd(), 'x'));
  const pipelines = loadCatalogue(root);
  const dataDir = dataDirOf(options);
  const runtime = await LocalRuntime.start({ dataDir, s3Port: options.port ?? DEFAULT_S3_PORT });
  for (const pipeline of pipelines) runtime.addPipeline(pipeline);
  const time = () => new Date().toISOString().slice(11, 19);
  runtime.on((event) => {
    if (event.type === 'run-started') output.out(`${time()} ▶ ${event.run.pipeline} ${event.run.runId} started (${event.run.input.prefix ?? event.run.input.source})`);
    if (event.type === 'run-finished')
      output.out(
        `${time()} ${event.run.status === 'SUCCEEDED' ? '✔' : '✖'} ${event.run.pipeline} ${event.run.runId} ${event.run.status}${event.run.error === undefined ? '' : `: ${event.run.error.error}: ${event.run.error.cause}`}`,
      );
    if (event.type === 'ingest' && event.decision.action === 'reject') output.err(`${time()} ! ${event.key}: not started — ${event.decision.reason}`);
    // Replays of uploads already decided are the normal case at start: not worth a line each.
    if (event.type === 'ingest' && event.decision.action === 'duplicate' && event.replayed !== true)
      output.out(`${time()}   ${event.key}: already processed as run ${event.decision.runName}`);
  });
  const e = runtime.s3.environment;
  output.out(
    [
      `Orchestra local runtime — data in ${dataDir}`,
      `S3 endpoint  ${runtime.s3.endpoint}   bucket ${runtime.s3.bucket}`,
      `credentials  AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey} AWS_REGION=${e['AWS_REGION']}`,
      ...(runtime.interruptedRuns.length > 0 ? [`${runtime.interruptedRuns.length} run(s) interrupted by the last shutdown are marked ABORTED (orchestra runs)`] : []),
      ...runtime.damagedRecords.map((damaged) => `warning: ${damaged.message}`),
      'Pipelines:',
      ...pipelines.map((p) => {
        const t = p.graph.trigger;
        const how =
          t?.ingestPrefix === undefined
            ? 'no upload trigger (orchestra run)'
            : `upload to s3://${runtime.s3.bucket}/${t.ingestPrefix}${t.mode === 'dataset' ? `<dataset>/ (needs ${t.marker ?? t.requiredFiles?.join(', ')})` : ''}`;
        return `  ${p.name.padEnd(20)} ${how}${t?.schedule === undefined ? '' : `; schedule ${t.schedule} runs on AWS only`}`;
      }),
      'Example:',
      `  aws --endpoint-url ${runtime.s3.endpoint} s3 cp --recursive examples/flood/valley s3://${runtime.s3.bucket}/ingest/flood/valley-1/`,
      'Ctrl-C stops the server (running runs are recorded as ABORTED).',
    ].join('\n'),
  );
  // Uploads stored while no runtime ran (or before a crash) start their runs now, or are reported.
  await runtime.reconcileUploads();
  await stopRequested;
  output.out('stopping…');
  await runtime.stop();
  return EXIT_OK;
}
