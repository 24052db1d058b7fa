/**
 * Issue 29, item 14: `orchestra up` prints the keys of uploads it refuses, and anyone who can upload
 * chooses them: an escape sequence or a newline in a key reaches the terminal escaped, not obeyed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { printable } from '../../lib/cli/output';
import { localCredentialsOf, runningEndpoints } from '../../lib/runtime/local-endpoints';
import { defined } from '../../lib/shared/defined';
import { tempProject } from '../helpers/project';

const ROOT = join(import.meta.dirname, '..', '..');
const project = tempProject('up-output');

afterAll(() => project.remove());

describe('printable', () => {
  it('escapes control characters, keeps everything else', () => {
    expect(printable('ingest/a\u001b[2Jb\nc\u0007d\u009be\u2028 é ✓')).toBe('ingest/a\\x1b[2Jb\\x0ac\\x07d\\x9be\\u2028 é ✓');
  });
});

describe('orchestra up', () => {
  it('prints a refused upload whose key holds an escape sequence and a newline with both escaped', async () => {
    mkdirSync(join(project.dir, 'pipelines'));
    writeFileSync(
      join(project.dir, 'pipelines', 'ds.graph.json'),
      JSON.stringify({ name: 'ds', trigger: { ingestPrefix: 'ingest/ds/', mode: 'dataset', requiredFiles: ['a.csv'] }, steps: { a: { kind: 'simulate' } } }),
    );
    const dataDir = join(project.dir, 'data');
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'orchestra.js'), 'up', '--pipelines', join(project.dir, 'pipelines'), '--port', '0', '--sfn-port', '0', '--api-port', '0', '--data-dir', dataDir],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const until = (text: RegExp): Promise<void> =>
      new Promise((resolve) => {
        const poll = setInterval(() => {
          if (text.test(printed)) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
      });
    try {
      await until(/Ctrl-C stops the server/);
      const { s3 } = defined(runningEndpoints(dataDir));
      const client = new S3Client({ endpoint: s3, region: 'us-east-1', forcePathStyle: true, credentials: localCredentialsOf(dataDir) });
      await client.send(new PutObjectCommand({ Bucket: 'orchestra-data', Key: 'ingest/ds/\u001b[2Jfake\nline.csv', Body: 'x' }));
      await until(/not started/);

      expect(printed).toContain('ingest/ds/\\x1b[2Jfake\\x0aline.csv: not started');
      expect(printed).not.toContain('\u001b[2J');
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
