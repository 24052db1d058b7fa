/**
 * Issue 29, item 14: `orchestra up` prints the keys of uploads it refuses, and anyone who can upload
 * chooses them: an escape sequence or a newline in a key reaches the terminal escaped, not obeyed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { printable } from '../../lib/cli/output';
import { tempProject } from '../helpers/project';
import { startUp } from '../helpers/up-process';

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
    const up = await startUp(join(project.dir, 'data'), ['--pipelines', join(project.dir, 'pipelines')]);
    try {
      await up.s3().send(new PutObjectCommand({ Bucket: 'orchestra-data', Key: 'ingest/ds/\u001b[2Jfake\nline.csv', Body: 'x' }));
      await up.until(/not started/);

      expect(up.printed()).toContain('ingest/ds/\\x1b[2Jfake\\x0aline.csv: not started');
      expect(up.printed()).not.toContain('\u001b[2J');
    } finally {
      await up.stop();
    }
  });
});
