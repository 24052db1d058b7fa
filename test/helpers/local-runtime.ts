/** Starts the embedded runtime in a fresh temporary data folder, for end-to-end tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadPipeline, pipelineFromGraph } from '../../lib/catalogue';
import type { PipelineGraph } from '../../lib/graph/schema';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { LocalRuntime, type LocalRuntimeOptions } from '../../lib/local/runtime';
import { checkEveryRunCrate } from './every-run-crate';
import { ROOT } from './root';

export { ROOT };

export async function startTestRuntime(pipelines: ReadonlyArray<string | PipelineGraph>, options: Partial<LocalRuntimeOptions> = {}): Promise<LocalRuntime> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'orchestra-e2e-'));
  const runtime = await LocalRuntime.start({ ...options, dataDir });
  checkEveryRunCrate(runtime, dataDir);
  for (const pipeline of pipelines) runtime.addPipeline(typeof pipeline === 'string' ? loadPipeline(join(ROOT, pipeline)) : pipelineFromGraph(pipeline, ROOT));
  return runtime;
}

export async function upload(runtime: LocalRuntime, key: string, body: string | Uint8Array): Promise<void> {
  await runtime.s3.client.send(new PutObjectCommand({ Bucket: runtime.s3.bucket, Key: key, Body: body }));
}

export async function uploadFolder(runtime: LocalRuntime, dir: string, prefix: string): Promise<void> {
  await runtime.s3.uploadFolder(dir, prefix);
}

export async function download(runtime: LocalRuntime, key: string): Promise<Buffer> {
  const object = await runtime.s3.client.send(new GetObjectCommand({ Bucket: runtime.s3.bucket, Key: key }));
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}

/** The run the next upload under `prefix` starts, once it has ended. */
export function nextRunOn(runtime: LocalRuntime, prefix: string): Promise<RunRecord> {
  return new Promise((resolve) => {
    const off = runtime.on((event) => {
      if (event.type === 'run-finished' && event.run.input.prefix === prefix) {
        off();
        resolve(event.run);
      }
    });
  });
}
