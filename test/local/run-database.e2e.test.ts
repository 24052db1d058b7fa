/**
 * The run database (SQLite through node:sqlite): what was committed survives a kill -9, a damaged or
 * foreign file is a clear error naming it, and run files of older versions are imported or reported.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { RunDatabaseError, RunStore } from '../../lib/local/runs/run-store';
import { cli } from '../helpers/cli';
import { ROOT } from '../helpers/local-runtime';

const record = (runId: string, startedAt = '2026-11-22T10:00:00.000Z'): RunRecord => ({
  runId,
  pipeline: 'p',
  input: { source: 'cli' },
  status: 'SUCCEEDED',
  startedAt,
  stoppedAt: startedAt,
  steps: { a: { status: 'SUCCEEDED', attempts: 1 } },
  outputs: 's3://orchestra-data/runs/p/x/',
  ownerPid: 1,
});

describe('run database', () => {
  it('loses nothing committed when its process is killed with SIGKILL mid-write (writes are committed per turn of the event loop)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-kill-'));
    const script = join(dataDir, 'writer.ts');
    writeFileSync(
      script,
      `import { RunStore } from ${JSON.stringify(join(ROOT, 'lib', 'local', 'runs', 'run-store.ts'))};
const store = new RunStore(${JSON.stringify(dataDir)});
store.create({ runId: 'r1', pipeline: 'p', input: { source: 'cli' }, status: 'RUNNING', startedAt: new Date().toISOString(), steps: {}, outputs: 's3://b/r1/', ownerPid: process.pid });
for (let i = 1; i <= 1000; i++) store.appendLog('r1', { time: new Date().toISOString(), stream: 'stdout', message: 'line ' + i });
for (let id = 1; id <= 100; id++) store.appendHistory('r1', { id, type: 'PassStateEntered', timestamp: new Date() });
// Writes are committed, together, as each turn of the event loop ends.
setImmediate(function more(i = 1001) {
  if (i === 1001) process.stdout.write('committed\\n');
  for (let n = 0; n < 50; n++) store.appendLog('r1', { time: new Date().toISOString(), stream: 'stdout', message: 'line ' + (i + n) });
  setImmediate(() => more(i + 50));
});
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('committed') && resolve()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));

    const store = new RunStore(dataDir);
    const lines = store.readLog('r1').map((entry) => entry.message);
    expect(lines.length).toBeGreaterThanOrEqual(1000);
    expect(lines.slice(0, 1000)).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`));
    expect(store.readHistory('r1').map((event) => event.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await store.close();
    const check = new DatabaseSync(join(dataDir, 'orchestra.db'));
    expect(check.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    check.close();
  });

  it('refuses a damaged database file with its path and what to do, and the CLI prints it without a stack', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-garbage-'));
    writeFileSync(join(dataDir, 'orchestra.db'), 'this is not a database, but it is long enough to have a header...........................');

    expect(() => new RunStore(dataDir)).toThrow(RunDatabaseError);
    expect(() => new RunStore(dataDir)).toThrow(/orchestra\.db: not a usable run database .* move it away/);
    const runs = await cli('runs', '--data-dir', dataDir);
    expect(runs.code).toBe(1);
    expect(runs.stderr).toMatch(/^error: .*orchestra\.db: not a usable run database/);
    expect(runs.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('refuses a database with a damaged page at open, naming the file, and orchestra logs says so without a stack (issue 29, item 18)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-damaged-page-'));
    const store = new RunStore(dataDir);
    store.create({
      runId: 'r1',
      pipeline: 'p',
      input: { source: 'cli' },
      status: 'SUCCEEDED',
      startedAt: '2026-12-01T00:00:00.000Z',
      steps: {},
      outputs: 's3://b/runs/p/r1/',
      ownerPid: process.pid,
    });
    for (let i = 0; i < 400; i++) store.appendLog('r1', { time: '2026-12-01T00:00:00.000Z', step: 'a', attempt: 1, stream: 'stdout', message: `line ${i} ${'x'.repeat(100)}` });
    await store.close();
    const file = join(dataDir, 'orchestra.db');
    const bytes = readFileSync(file);
    // Page 5 onward overwritten: the header and schema stay readable, as after a torn write or a bad disk.
    bytes.fill(0xa5, 4 * 4096, Math.min(bytes.length, 8 * 4096));
    writeFileSync(file, bytes);

    expect(() => new RunStore(dataDir)).toThrow(/orchestra\.db: damaged \(SQLite: .*\) — move it away/);
    const logs = await cli('logs', 'r1', '--data-dir', dataDir);
    expect(logs.code).toBe(1);
    expect(logs.stderr).toMatch(/^error: .*orchestra\.db: damaged/);
    expect(logs.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it("refuses another program's SQLite database rather than writing into it", () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-foreign-'));
    const foreign = new DatabaseSync(join(dataDir, 'orchestra.db'));
    foreign.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    foreign.close();

    expect(() => new RunStore(dataDir)).toThrow(/an SQLite database of another program/);
  });

  it('imports the run files of older versions once (record, log, history) and reports the ones it cannot read', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-legacy-'));
    const runs = join(dataDir, 'runs');
    mkdirSync(runs);
    writeFileSync(join(runs, 'old-1.json'), JSON.stringify(record('old-1')));
    writeFileSync(join(runs, 'old-1.log'), `${JSON.stringify({ time: '2026-11-22T10:00:00.000Z', stream: 'system', message: 'run started by cli' })}\n`);
    writeFileSync(join(runs, 'broken.json'), '{"runId": "broken"');

    const store = new RunStore(dataDir, { importLegacy: true });

    expect(store.get('old-1')).toMatchObject({ runId: 'old-1', status: 'SUCCEEDED' });
    expect(store.readLog('old-1').map((entry) => entry.message)).toEqual(['run started by cli']);
    expect(existsSync(join(runs, 'imported', 'old-1.json'))).toBe(true);
    expect(existsSync(join(runs, 'old-1.json'))).toBe(false);
    expect(store.scan().damaged.map((damaged) => damaged.message)).toEqual([expect.stringMatching(/broken\.json is damaged/)]);
    expect(store.list().map((run) => run.runId)).toEqual(['old-1']);
    await store.close();
    // A second start imports nothing twice.
    const again = new RunStore(dataDir, { importLegacy: true });
    expect(again.list().map((run) => run.runId)).toEqual(['old-1']);
    await again.close();
  });

  it('pages runs newest first by pipeline and status from an index', async () => {
    const store = new RunStore(mkdtempSync(join(tmpdir(), 'orchestra-page-')));
    for (let i = 0; i < 30; i++) store.create(record(`r${String(i).padStart(2, '0')}`, `2026-11-22T10:00:${String(i).padStart(2, '0')}.000Z`));

    const first = store.page({ pipeline: 'p', status: 'SUCCEEDED', limit: 10 }).runs;
    const last = first.at(-1);
    const second = store.page({ pipeline: 'p', limit: 10, ...(last === undefined ? {} : { after: { startedAt: last.startedAt, runId: last.runId } }) }).runs;

    expect(first.map((r) => r.runId)).toEqual(['r29', 'r28', 'r27', 'r26', 'r25', 'r24', 'r23', 'r22', 'r21', 'r20']);
    expect(second[0]?.runId).toBe('r19');
    expect(store.page({ pipeline: 'other', limit: 10 }).runs).toEqual([]);
    const plan = new DatabaseSync(store.file).prepare("EXPLAIN QUERY PLAN SELECT record FROM runs WHERE pipeline = 'p' ORDER BY started_at DESC, run_id LIMIT 10").all();
    expect(JSON.stringify(plan)).toContain('USING INDEX runs_by_pipeline');
    await store.close();
  });
});
