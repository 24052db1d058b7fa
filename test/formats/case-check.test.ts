/**
 * DassFlow-2D case checks: a valid case passes (a generated channel, and the shared real run when
 * ../shared is beside the checkout); one broken case per failure mode of FORMATS.md §8.5 (and the
 * checks the issue names) is refused with the file, the line and the fix; result files are read
 * leniently and a blown-up one is refused.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CaseFiles, checkCase } from '../../lib/formats/dassflow2d/case-check';
import { channelCaseFiles } from '../../lib/formats/dassflow2d/grid-case';
import { fortranNumber } from '../../lib/formats/dassflow2d/numbers';
import { formatProblem } from '../../lib/formats/dassflow2d/problems';
import { parseResultFile, resultProblem } from '../../lib/formats/dassflow2d/results';
import { SHARED_DIR } from '../helpers/shared';

const SAMPLE = join(SHARED_DIR, 'dassflow2d-sample', 'run');
const channel = channelCaseFiles({
  nx: 20,
  ny: 6,
  cell: 10,
  slope: 0.001,
  manning: 0.033,
  seconds: 1800,
  hydrograph: [
    [0, 5],
    [600, 40],
    [1800, 10],
  ],
});
const fromRecord =
  (files: Readonly<Record<string, string>>): CaseFiles =>
  (name) =>
    Object.hasOwn(files, name) ? files[name] : undefined;
const sampleFiles: Record<string, string> = existsSync(SAMPLE)
  ? Object.fromEntries(readdirSync(SAMPLE, { withFileTypes: true }).flatMap((e) => (e.isFile() ? [[e.name, readFileSync(join(SAMPLE, e.name), 'utf8')]] : [])))
  : {};
const valid: Array<[string, Record<string, string>]> = [
  ['a generated channel', channel],
  ...(existsSync(SAMPLE) ? [['the shared real run', sampleFiles] as [string, Record<string, string>]] : []),
];

describe('checkCase on valid cases', () => {
  it.each(valid)('%s: no problem, and what will run', (_name, files) => {
    const checked = checkCase(fromRecord(files));
    expect(checked.problems.map(formatProblem)).toEqual([]);
    expect(checked.summary).toMatchObject({ meshFile: 'channel.geo', boundaryConditions: ['1 discharg1', '2 ratcurve'] });
    expect(checked.summary?.files).toEqual(['input.txt', 'channel.geo', 'bc.txt', 'land_uses.txt', 'hydrograph.txt', 'rating_curve.txt']);
  });

  it('counts the generated mesh as written', () => {
    expect(checkCase(fromRecord(channel)).summary).toMatchObject({ nodes: 21 * 7, cells: 120, simulatedSeconds: 1800 });
  });
});

const edit = (file: string, change: (text: string) => string): Record<string, string> => ({ ...channel, [file]: change(channel[file] ?? '') });
const without = (file: string): Record<string, string> => Object.fromEntries(Object.entries(channel).filter(([name]) => name !== file));

describe('checkCase on files too large to read', () => {
  it('reports the size of each and how to read it, and goes on with the others', () => {
    const files: CaseFiles = (name) => (name === 'channel.geo' ? { bytes: 87_000_000, limitBytes: 64_000_000 } : fromRecord(channel)(name));

    const checked = checkCase(files);

    expect(checked.summary).toBeUndefined();
    expect(checked.problems.map(formatProblem)).toEqual([
      "channel.geo: uploaded, 87.0 MB: above the 64.0 MB the check reads in its memory — raise the checking step's memoryMiB in the graph (it reads files up to a quarter of it)",
    ]);
  });
});

describe('checkCase on broken cases: each problem names its file, line and fix', () => {
  it.each([
    ['the mesh file missing (the model exits 2)', without('channel.geo'), 'channel.geo: missing: input.txt names it as mesh_name (line 3)'],
    ['input.txt missing', without('input.txt'), 'input.txt: missing'],
    ['input.txt empty (the model stops: unknown mesh type)', edit('input.txt', () => ''), 'input.txt: no "&list_input" namelist'],
    ['a misspelt key (the model exits 0 and simulates nothing)', edit('input.txt', (t) => t.replace('\tts\t', '\ttss\t')), 'input.txt:4: unknown key "tss"'],
    ['ts missing', edit('input.txt', (t) => t.replace(/\tts\t.*\n/, '')), 'input.txt: no ts: DassFlow-2D then simulates nothing'],
    ['ts = 0', edit('input.txt', (t) => t.replace('1800.', '0.')), 'input.txt:4: ts = 0: nothing would be simulated'],
    ['hydrograph.txt missing with discharg1 (the model segfaults)', without('hydrograph.txt'), 'hydrograph.txt: missing: bc.txt line 8 (discharg1) reads it'],
    ['a bc.txt line with two tokens (the model aborts)', edit('bc.txt', (t) => t.replace('2\tratcurve\tfile', '2\tratcurve')), 'bc.txt:9: "2 ratcurve" has 2 token(s)'],
    ["mesh_type 'basic' (the model segfaults)", edit('input.txt', (t) => t.replace("'dassflow'", "'basic'")), "input.txt:2: mesh_type 'basic' crashes the standalone model"],
    ['cfl = 5 (the model blows up and exits 0)', edit('input.txt', (t) => t.replace('0.8,', '5.,')), 'input.txt:10: cfl = 5: the explicit scheme blows up above 1'],
    [
      'a hydrograph whose count disagrees with its rows',
      edit('hydrograph.txt', (t) => t.replace(/\n3\n/, '\n4\n')),
      'hydrograph.txt:12: 4 hydrograph 1 points announced, but 3 found',
    ],
    ['a rating curve one row short', edit('rating_curve.txt', (t) => t.replace(/\n[^\n]*$/, '')), 'rating_curve.txt:89: 81 rating curve 1 points announced, but 80 found'],
    ['a cell id missing', edit('channel.geo', (t) => t.replace(/\n7 (\d+ \d+ \d+ \d+ 1 )/, '\n121 $1')), 'channel.geo:'],
    ['no OUTLET block', edit('channel.geo', (t) => t.slice(0, t.indexOf('\nOUTLET'))), 'channel.geo: no OUTLET block'],
    ['a land id not in land_uses.txt', edit('channel.geo', (t) => t.replace(/^(5 \d+ \d+ \d+ \d+) 1 /m, '$1 3 ')), 'land_uses.txt: land id(s) 3 of channel.geo are not defined'],
    ['an unknown boundary type', edit('bc.txt', (t) => t.replace('ratcurve', 'ratcruve')), 'bc.txt:9: unknown boundary type "ratcruve"'],
    ['land_uses.txt missing', without('land_uses.txt'), 'land_uses.txt: missing: the model runs without Manning friction'],
    // Issue 29, item 19:
    ['g = -9.81', edit('input.txt', (t) => t.replace('9.81,', '-9.81,')), 'input.txt:13: g = -9.81: gravity is a positive acceleration'],
    ['heps = nan', edit('input.txt', (t) => t.replace('0.001,', 'nan,')), 'input.txt:11: heps = nan is not a number'],
    ['heps below 0', edit('input.txt', (t) => t.replace('0.001,', '-0.1,')), 'input.txt:11: heps = -0.1: the dry-cell depth threshold cannot be negative'],
    ['cfl = 0 (named for what it is, not "above 1")', edit('input.txt', (t) => t.replace('0.8,', '0.,')), 'input.txt:10: cfl = 0: the time step it allows is 0'],
    ['a negative Manning n', edit('land_uses.txt', (t) => t.replace('1 0.033 0', '1 -0.033 0')), "land_uses.txt: land use 1: Manning's n = -0.033 must be above 0"],
    [
      "a '!' inside the quoted mesh_name (it was cut as a comment)",
      edit('input.txt', (t) => t.replace("'channel.geo'", "'chan!nel.geo'")),
      'chan!nel.geo: missing: input.txt names it as mesh_name (line 3)',
    ],
  ])('%s', (_name, files, expected) => {
    const { problems, summary } = checkCase(fromRecord(files));
    expect(summary).toBeUndefined();
    const lines = problems.map(formatProblem);
    expect(lines.some((line) => line.startsWith(expected))).toBe(true);
    for (const problem of problems) expect(problem.fix.length).toBeGreaterThan(5);
  });

  it('suggests the key a typo meant', () => {
    const { problems } = checkCase(fromRecord(edit('input.txt', (t) => t.replace('\tts\t', '\ttss\t'))));
    expect(problems.find((p) => p.message.includes('"tss"'))?.fix).toBe('did you mean "ts"?');
  });

  it('reports every problem at once', () => {
    const files = edit('bc.txt', (t) => t.replace('2\tratcurve\tfile', '2\tratcurve'));
    delete files['hydrograph.txt'];
    const problems = checkCase(fromRecord({ ...files, 'input.txt': (files['input.txt'] ?? '').replace('0.8,', '5.,') })).problems.map((p) => p.file);
    expect(problems).toEqual(expect.arrayContaining(['input.txt', 'bc.txt', 'hydrograph.txt']));
  });
});

describe('result files', () => {
  it.each([
    ['1.5E+03', 1500],
    ['9.97821065+122', 9.97821065e122],
    ['1.d-8', 1e-8],
    ['36000.d0', 36000],
    ['-2.17777774E-04', -2.17777774e-4],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('reads the Fortran number %s', (token, value) => {
    expect(fortranNumber(token)).toBe(value);
  });

  const row = (i: number, h: string) =>
    `${String(i).padStart(5)}  5.00000000E+00  5.00000000E+00  9.95000000E-01  ${h}  1.27687464E+00  3.30000000E-02  2.28745541E-01 -2.17777774E-04`;
  const file = (depths: string[]) => [' # Gnuplot DataFile Version', ' # i x y bathy h zs Manning u v', ...depths.map((h, i) => row(i + 1, h))].join('\n');

  it('takes rows in order, even where the id column overflows', () => {
    const snapshot = parseResultFile('result_final.dat', file(['2.81874639E-01', '0.00000000E+00']).replace('    2 ', '***** '));
    expect([...snapshot.h]).toEqual([0.281874639, 0]);
    expect(resultProblem('result_final.dat', snapshot, 2)).toBeUndefined();
  });

  it('refuses a blown-up state, a negative depth and a short file, saying which', () => {
    expect(resultProblem('result_final.dat', parseResultFile('r', file(['9.97821065+122', '0.0'])), 2)).toContain('cell 1: depth 9.97821065e+122 m is not a flood');
    expect(resultProblem('result_final.dat', parseResultFile('r', file(['NaN', '0.0'])), 2)).toContain('cell 1: h is NaN');
    expect(resultProblem('result_final.dat', parseResultFile('r', file(['-1.0E-01'])), 1)).toContain('negative depth');
    expect(resultProblem('result_final.dat', parseResultFile('r', file(['0.0'])), 2)).toContain('1 rows for 2 cells');
  });

  it.runIf(existsSync(SAMPLE))('reads the shared real run: one finite row per cell, depths ≥ 0', () => {
    const snapshot = parseResultFile('result_final.dat', readFileSync(join(SAMPLE, 'res', 'result_final.dat'), 'utf8'));
    expect(snapshot.h).toHaveLength(1800);
    expect(resultProblem('result_final.dat', snapshot, 1800)).toBeUndefined();
  });
});
