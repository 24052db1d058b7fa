/**
 * The built-in solver for DassFlow-2D cases: it conserves mass, writes DassFlow-2D's exact row
 * format, and — on the shared real run's inputs, when ../shared is beside the checkout — lands close
 * to the real model's result_final.dat (volume within 10 %, wet/dry agreement above 90 %).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCase } from '../../containers/dassflow2d/src/load-case';
import { fortranEs, solve } from '../../containers/dassflow2d/src/solver';
import { channelCaseFiles } from '../../lib/formats/dassflow2d/grid-case';
import { parseResultFile, resultProblem } from '../../lib/formats/dassflow2d/results';
import { SHARED_DIR } from '../helpers/shared';

function writeCase(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dassflow2d-case-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const channel = channelCaseFiles({
  nx: 24,
  ny: 6,
  cell: 10,
  slope: 0.002,
  manning: 0.035,
  seconds: 1200,
  hydrograph: [
    [0, 5],
    [400, 30],
    [1200, 8],
  ],
});

describe('the built-in DassFlow-2D solver', () => {
  const progress: string[] = [];
  const output = solve(loadCase(writeCase(channel)), (line) => progress.push(line));

  it('conserves mass: inflow − outflow = stored water', () => {
    expect(output.finalVolume).toBeGreaterThan(0);
    expect(Math.abs(output.volumeIn - output.volumeOut - output.finalVolume) / output.volumeIn).toBeLessThan(1e-9);
  });

  it("writes DassFlow-2D's files: snapshots every dtw named by the actual time, the final state, post series", () => {
    expect([...output.files.keys()].filter((name) => name.startsWith('result_'))).toEqual([
      'result_initial.dat',
      expect.stringMatching(/^result_2\.\d{6}E\+02\.dat$/),
      expect.stringMatching(/^result_4\.\d{6}E\+02\.dat$/),
      expect.stringMatching(/^result_6\.\d{6}E\+02\.dat$/),
      expect.stringMatching(/^result_8\.\d{6}E\+02\.dat$/),
      expect.stringMatching(/^result_1\.\d{6}E\+03\.dat$/),
      'result_final.dat',
    ]);
    const final = output.files.get('result_final.dat') ?? '';
    const rows = final.split('\n').filter((line) => line !== '' && !line.startsWith(' #'));
    expect(rows).toHaveLength(144);
    for (const row of rows) expect(row).toMatch(/^[ \d]{5}( [ -]\d\.\d{8}E[+-]\d{2}){8}$/);
    expect(resultProblem('result_final.dat', parseResultFile('result_final.dat', final), 144)).toBeUndefined();
    expect(output.files.get('post/water_vol.dat')).toMatch(/^# time water_vol\n/);
    expect(progress.at(-1)).toMatch(/\( 100\.0 % \)/);
  });

  it.each([
    [1500, 15, 8, ' 1.50000000E+03'],
    [-2.17777774e-4, 15, 8, '-2.17777774E-04'],
    [1800.928, 12, 6, '1.800928E+03'],
    [9.97821065e122, 15, 8, '9.97821065E+122'],
  ])('writes %s as Fortran ES%i.%i: "%s"', (value, width, digits, text) => {
    expect(fortranEs(value, width, digits)).toBe(text);
  });
});

const SAMPLE = join(SHARED_DIR, 'dassflow2d-sample', 'run');
describe.runIf(existsSync(SAMPLE))('the built-in solver against the real DassFlow-2D run', () => {
  it('holds the volume within 10 % and the wet/dry map above 90 % agreement', () => {
    const output = solve(loadCase(SAMPLE));
    const mine = parseResultFile('mine', output.files.get('result_final.dat') ?? '');
    const real = parseResultFile('real', readFileSync(join(SAMPLE, 'res', 'result_final.dat'), 'utf8'));
    let agree = 0;
    let mineVolume = 0;
    let realVolume = 0;
    for (let i = 0; i < real.h.length; i++) {
      if ((mine.h[i] ?? 0) > 0.01 === (real.h[i] ?? 0) > 0.01) agree++;
      mineVolume += (mine.h[i] ?? 0) * 100;
      realVolume += (real.h[i] ?? 0) * 100;
    }
    expect(Math.abs(mineVolume - realVolume) / realVolume).toBeLessThan(0.1);
    expect(agree / real.h.length).toBeGreaterThan(0.9);
  });
});
