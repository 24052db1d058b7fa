/**
 * Issue 11, items 7 and 10: a step's work stops at its timeout and when the run is stopped, in-process
 * handlers included; `orchestra run` stops its run on SIGINT/SIGTERM, kills container processes, and
 * exits 128 + signal.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../lib/local/runs/run-store';
import type { LocalRuntime } from '../../lib/local/runtime';
import { localCredentialsOf, runningEndpoints } from '../../lib/runtime/local-endpoints';
import { defined } from '../../lib/shared/defined';
import { ROOT, startTestRuntime } from '../helpers/local-runtime';

describe('stopping steps', () => {
  const started: LocalRuntime[] = [];
  afterAll(async () => {
    await Promise.all(started.map((runtime) => runtime.stop()));
  });

  it('fails an in-process step at its timeout with States.Timeout, stops its wait, and says so in the log', async () => {
    const runtime = await startTestRuntime([{ name: 'slow', steps: { wait: { kind: 'simulate', durationMs: 60_000, timeoutSeconds: 1, retry: { maxAttempts: 1 } } } }]);
    started.push(runtime);

    const record = runtime.startRun('slow', { source: 'cli' });
    const final = await runtime.waitForRun(record.runId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const log = runtime.store.readLog(record.runId).map((entry) => entry.message);

    expect(final.status).toBe('FAILED');
    expect(final.steps['wait']).toMatchObject({ status: 'FAILED', error: { error: 'States.Timeout' } });
    expect(log.some((message) => message.includes('step succeeded'))).toBe(false);
    expect(log).toContain('attempt 1 ended after it was stopped; what it did then is ignored');
  });

  it('ends an aborted run at once although its in-process step would wait a minute', async () => {
    const runtime = await startTestRuntime([{ name: 'long', steps: { wait: { kind: 'simulate', durationMs: 60_000, timeoutSeconds: 120 } } }]);
    started.push(runtime);

    const record = runtime.startRun('long', { source: 'cli' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    runtime.abortRun(record.runId, 'test');
    const final = await runtime.waitForRun(record.runId);

    expect(final.status).toBe('ABORTED');
    expect(defined(final.steps['wait']).status).toBe('ABORTED');
  });
});

describe('orchestra up and signals', () => {
  it('serves S3, Step Functions and the runs API, says where, and stops on SIGINT: servers closed, exit 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-up-'));
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'orchestra.js'), 'up', '--port', '0', '--sfn-port', '0', '--api-port', '0', '--data-dir', dataDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (stdout.includes('Ctrl-C stops the server')) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });

    const endpoints = defined(runningEndpoints(dataDir));
    expect(stdout).toContain(`Step Functions  ${endpoints.stepFunctions}`);
    expect(stdout).toContain(`Runs API        ${endpoints.runsApi}`);
    // Signed with the data folder's own secret, which up prints; any other key is refused (issue 29, item 1).
    const credentials = localCredentialsOf(dataDir);
    expect(stdout).toContain(`AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`);
    const stranger = new SFNClient({ endpoint: endpoints.stepFunctions, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    await expect(stranger.send(new ListStateMachinesCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    stranger.destroy();
    const sfn = new SFNClient({ endpoint: endpoints.stepFunctions, region: 'us-east-1', credentials });
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    sfn.destroy();
    expect(machines.stateMachines?.map((m) => m.name)).toEqual(['flood', 'nightly-catalogue']);
    const pipelines = await fetch(`${endpoints.runsApi}/pipelines`);
    expect(((await pipelines.json()) as { pipelines: Array<{ name: string }> }).pipelines.map((p) => p.name)).toEqual(['flood', 'nightly-catalogue']);

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code).toBe(0);
    expect(stdout).toContain('stopping…');
    expect(existsSync(join(dataDir, 'runtime.lock'))).toBe(false);
    expect(runningEndpoints(dataDir)).toBeUndefined();
    expect(existsSync(join(dataDir, 'endpoints.json'))).toBe(false);
  });
});

describe('orchestra run and signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('stops the run on %s (ABORTED, container process killed) and exits %i', async (signal, exitCode) => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-signal-'));
    const pidFile = join(dir, 'child.pid');
    const graph = join(dir, 'sleepy.graph.json');
    writeFileSync(
      graph,
      JSON.stringify({
        name: 'sleepy',
        steps: {
          sleep: {
            kind: 'container',
            image: 'public.ecr.aws/x/y:1',
            local: { command: ['node', '-e', `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000)`] },
          },
        },
      }),
    );
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'orchestra.js'), 'run', graph, '--data-dir', join(dir, 'data'), '--out', join(dir, 'out')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(pidFile)) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });

    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const [run] = new RunStore(join(dir, 'data')).list();
    const childPid = Number(readFileSync(pidFile, 'utf8'));
    const alive = (() => {
      try {
        process.kill(childPid, 0);
        return true;
      } catch {
        return false;
      }
    })();

    expect(code).toBe(exitCode);
    expect(stderr).toContain(`${signal}: stopping the run`);
    expect(defined(run).status).toBe('ABORTED');
    expect(alive).toBe(false);
  });
});
