/**
 * What `kill -9` of `orchestra up` leaves, cleared by the next `orchestra up` on the same data folder
 * (issue 29, item 20): a container step's process (and what it started) kept running, so a redrive
 * ran a second copy beside it; a half-written upload stayed on disk forever.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../lib/shared/process';
import { tempProject } from '../helpers/project';
import { startUp } from '../helpers/up-process';

const project = tempProject('leftovers');
afterAll(() => project.remove());

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('orchestra up after kill -9', () => {
  it('stops the step processes the killed one left running, and removes its half-written uploads', async () => {
    const pids = join(project.dir, 'pids');
    mkdirSync(join(project.dir, 'pipelines'));
    // The step starts a process of its own, as a model does: both must go.
    const sleeper = `const { spawn } = require('node:child_process'); const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' }); require('node:fs').writeFileSync(${JSON.stringify(pids)}, process.pid + ' ' + c.pid); setTimeout(() => {}, 120000)`;
    writeFileSync(
      join(project.dir, 'pipelines', 'sleeps.graph.json'),
      JSON.stringify({
        name: 'sleeps',
        trigger: { ingestPrefix: 'ingest/sleeps/' },
        steps: { sleep: { kind: 'container', image: 'x', local: { command: ['node', '-e', sleeper] } } },
      }),
    );
    const dataDir = join(project.dir, 'data');
    const first = await startUp(dataDir, ['--pipelines', join(project.dir, 'pipelines')]);
    await first.s3().send(new PutObjectCommand({ Bucket: 'orchestra-data', Key: 'ingest/sleeps/a.txt', Body: 'x' }));
    await until(() => existsSync(pids));
    await first.kill();
    const [step, model] = readFileSync(pids, 'utf8').split(' ').map(Number);
    expect([isAlive(step ?? 0), isAlive(model ?? 0)]).toEqual([true, true]);
    const halfWritten = join(dataDir, 's3', 'orchestra-data', 'ingest', 'big.bin._S3rver_object.12345.0123456789ab.upload');
    writeFileSync(halfWritten, Buffer.alloc(1_500_000));

    const second = await startUp(dataDir, ['--pipelines', join(project.dir, 'pipelines')]);
    try {
      expect(second.printed()).toMatch(new RegExp(`stopped step sleep of run \\S+ \\(pid ${step}\\): the last shutdown left it running`));
      expect(second.printed()).toContain('removed 1 upload(s) the last shutdown left half-written (1.5 MB)');
      await until(() => !isAlive(step ?? 0) && !isAlive(model ?? 0));
      expect(existsSync(halfWritten)).toBe(false);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
