/**
 * `npm run bench -- cli`: how fast the `orchestra` command starts, as a lab runs it (the package's
 * compiled dist/cli.js) and from a checkout (the TypeScript sources through tsx), side by side with
 * `node -e 0`, interleaved run by run so the machine's load falls on all alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFigure } from './goals';
import { median } from './stats';

const ROOT = join(import.meta.dirname, '..');
const ROUNDS = 15;

function timeOnce(args: readonly string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function cliTable(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-bench-cli-'));
  const small = join(dir, 'small.graph.json');
  writeFileSync(small, JSON.stringify({ name: 'small', steps: { a: { kind: 'simulate' }, b: { kind: 'simulate', dependsOn: ['a'] } } }));
  const commands: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['node -e 0', ['-e', '0']],
    ['orchestra --help (package)', ['dist/cli.js', '--help']],
    ['orchestra validate, 2 steps (package)', ['dist/cli.js', 'validate', small]],
    ['orchestra validate flood (package)', ['dist/cli.js', 'validate', 'state-machines/flood.graph.json']],
    ['orchestra --help (checkout, tsx)', ['bin/orchestra.js', '--help']],
    ['orchestra validate flood (checkout, tsx)', ['bin/orchestra.js', 'validate', 'state-machines/flood.graph.json']],
  ];
  const times = new Map<string, number[]>(commands.map(([label]) => [label, []]));
  for (const [, args] of commands) timeOnce(args); // warm the file cache (and tsx's) once
  for (let round = 0; round < ROUNDS; round++) for (const [label, args] of commands) times.get(label)?.push(timeOnce(args));
  rmSync(dir, { recursive: true, force: true });
  const baseline = median(times.get('node -e 0') ?? []);
  console.log(`\nCLI start-up (median of ${ROUNDS}, interleaved; Node ${process.version})`);
  console.log('| command | ms | × node -e 0 |');
  console.log('|---|---|---|');
  for (const [label] of commands) {
    const ms = median(times.get(label) ?? []);
    console.log(`| ${label} | ${ms.toFixed(0)} | ${(ms / baseline).toFixed(1)} |`);
  }
  const medianOf = (label: string): number => median(times.get(label) ?? []);
  recordFigure({
    section: 'cli',
    measure: 'orchestra --help (package)',
    value: medianOf('orchestra --help (package)') / 1000,
    unit: 's',
    goal: { max: 0.3 },
    detail: `node -e 0: ${(baseline / 1000).toFixed(2)} s`,
  });
  recordFigure({ section: 'cli', measure: 'orchestra validate flood (package)', value: medianOf('orchestra validate flood (package)') / 1000, unit: 's', goal: { max: 0.5 } });
}
