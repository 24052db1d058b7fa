/**
 * `npm run bench -- tests`: how long the test commands take here, as a newcomer runs them — the unit
 * tier alone, then the whole `npm test`. Minutes of work, so only when named.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { recordFigure } from './goals';

const ROOT = join(import.meta.dirname, '..');

function timeScript(script: string): number {
  const started = performance.now();
  const result = spawnSync('npm', ['run', '--silent', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm run ${script} failed (exit ${result.status}): the bench measures passing runs only`);
  return (performance.now() - started) / 1000;
}

export async function testTiersTable(): Promise<void> {
  const unit = timeScript('test:unit');
  const all = timeScript('test');
  console.log('\n## Test commands (this machine, one run each)\n');
  console.log('| command | seconds |');
  console.log('|---|---|');
  console.log(`| npm run test:unit | ${unit.toFixed(0)} |`);
  console.log(`| npm test | ${all.toFixed(0)} |`);
  recordFigure({ section: 'tests', measure: 'npm run test:unit', value: unit, unit: 's', goal: { max: 30 } });
  recordFigure({ section: 'tests', measure: 'npm test', value: all / 60, unit: 'min', goal: { max: 8 } });
}
