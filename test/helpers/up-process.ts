/** `orchestra up` as a user starts it: its own process, what it prints collected, stopped with SIGINT. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { localCredentialsOf, runningEndpoints } from '../../lib/runtime/local-endpoints';
import { defined } from '../../lib/shared/defined';

const ROOT = join(import.meta.dirname, '..', '..');

export interface UpProcess {
  /** What it printed so far, stdout and stderr. */
  printed(): string;
  /** Resolves once what it printed matches `text`. */
  until(text: RegExp): Promise<void>;
  /** An S3 client on its embedded S3, signed with the data folder's credentials. */
  s3(): S3Client;
  stop(): Promise<void>;
  /** Kills it as `kill -9` does: nothing of it runs after. */
  kill(): Promise<void>;
}

/** Starts `orchestra up <args>` on any free ports for `dataDir`, and waits until it serves. */
export async function startUp(dataDir: string, args: readonly string[]): Promise<UpProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'orchestra.js'), 'up', ...args, '--port', '0', '--sfn-port', '0', '--api-port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  const up: UpProcess = {
    printed: () => printed,
    until,
    s3: () => new S3Client({ endpoint: defined(runningEndpoints(dataDir)).s3, region: 'us-east-1', forcePathStyle: true, credentials: localCredentialsOf(dataDir) }),
    stop: async () => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGINT');
      await closed;
    },
    kill: async () => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGKILL');
      await closed;
    },
  };
  await until(/Ctrl-C stops the server/);
  return up;
}
