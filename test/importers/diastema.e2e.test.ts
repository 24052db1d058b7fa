/**
 * DIASTEMA analysis graphs: what a job graph becomes (step names, ordered fan-ins, parameters,
 * metadata), every mistake named with its JSON path, and an imported graph run on the embedded
 * runtime with its dependency order and the fan-in's input order checked.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../lib/compiler';
import { validateGraphText } from '../../lib/graph';
import { importDiastema } from '../../lib/importers/diastema';
import { isJsonRecord } from '../../lib/shared/json';
import { cli } from '../helpers/cli';
import { ROOT, startTestRuntime } from '../helpers/local-runtime';

const EXAMPLE = join(ROOT, 'examples', 'diastema', 'analysis.json');
const example: unknown = JSON.parse(readFileSync(EXAMPLE, 'utf8'));

type Job = Record<string, unknown>;
const analysis = (jobs: Job[], extra: Record<string, unknown> = {}) => ({ 'analysis-id': 'a1', 'database-id': 'db', metadata: {}, jobs, ...extra });
const job = (step: number, title: string, from: number | number[], next: number | number[], more: Job = {}): Job => ({ step, id: step * 10, title, from, next, ...more });

describe('importDiastema, the example analysis', () => {
  const { graph, issues } = importDiastema(example);

  it('names each step <kind>-<step>, keeps the fan-in\'s "from" order, and keeps several roots', () => {
    expect(Object.keys(graph?.steps ?? {})).toEqual([
      'dataset-3',
      'dataset-5',
      'dataset-6',
      'cleaning-7',
      'cleaning-8',
      'data-join-11',
      'function-12',
      'classification-14',
      'visualization-15',
      'data-sink-16',
    ]);
    expect(graph?.steps['data-join-11']?.dependsOn).toEqual(['cleaning-8', 'dataset-6', 'cleaning-7']);
    expect(graph?.steps['visualization-15']?.dependsOn).toEqual(['classification-14', 'function-12']);
    expect(
      Object.entries(graph?.steps ?? {})
        .filter(([, step]) => step.dependsOn === undefined)
        .map(([id]) => id),
    ).toEqual(['dataset-3', 'dataset-5', 'dataset-6']);
  });

  it('keeps the parameters (nested function expressions too), the job id and the metadata, verbatim', () => {
    expect(graph?.name).toBe('analysis-6388');
    expect(graph?.metadata).toEqual({ 'analysis-title': 'Ship engine faults', 'analysis-date': '2024-03-21 10:42:17', user: 'analyst-3' });
    expect(graph?.steps['function-12']?.parameters).toEqual({
      analysisId: '6388',
      databaseId: 'metis',
      jobId: 1006,
      function: {
        name: 'fault-rate',
        args: [{ arg_id: 1, arg_name: 'faults' }],
        expression: { op: 'divide', left: { op: 'sum', column: 'faults' }, right: { op: 'count', column: 'hours' } },
      },
    });
    expect(graph?.steps['data-join-11']?.parameters).toMatchObject({ 'join-type': 'inner', column: 'vessel_id' });
  });

  it('warns about a duplicate job id and the fields it ignores, and imports anyway', () => {
    expect(issues.map(({ severity, path, message }) => ({ severity, path, message }))).toEqual([
      { severity: 'warning', path: 'diastema-token', message: expect.stringContaining('credentials are never carried') },
      { severity: 'warning', path: 'automodel', message: expect.stringContaining('ignored') },
      { severity: 'warning', path: 'jobs[4].id', message: "id 1004 is also jobs[3]'s" },
    ]);
  });

  it('is a valid graph that compiles, and passes its parameters to each step', () => {
    const checked = validateGraphText(JSON.stringify(graph));
    expect(checked.issues.filter((found) => found.severity === 'error')).toEqual([]);
    const task = compileGraph(checked.graph ?? { name: 'x', steps: {} }).definition;
    expect(JSON.stringify(task)).toContain('"expression":{"op":"divide"');
  });
});

describe('importDiastema, mistakes', () => {
  const cases: Array<[string, unknown, Array<{ path: string; message: RegExp }>]> = [
    [
      "a next that the child's from does not confirm, and the other way round",
      analysis([job(1, 'dataset', 0, [2, 3]), job(2, 'cleaning', 1, 0), job(3, 'cleaning', 0, 0), job(4, 'cleaning', 1, 0)]),
      [
        { path: 'jobs[0].next[1]', message: /step 1 lists step 3 in next, but step 3's from \(jobs\[2\]\.from\) does not list 1/ },
        { path: 'jobs[3].from', message: /step 4 comes after step 1 \(from\), but step 1's next \(jobs\[0\]\.next\) does not list 4/ },
      ],
    ],
    [
      'a cycle',
      analysis([job(1, 'dataset', 0, [2]), job(2, 'cleaning', [1, 3], [3]), job(3, 'cleaning', 2, [2])]),
      [{ path: 'jobs[1].from', message: /jobs wait for each other: steps 2 → 3 → 2/ }],
    ],
    ['an unknown kind, with "did you mean"', analysis([job(1, 'datset', 0, 0)]), [{ path: 'jobs[0].title', message: /unknown kind "datset"/ }]],
    ['an unknown step', analysis([job(1, 'dataset', 0, [9])]), [{ path: 'jobs[0].next[0]', message: /no job has step 9/ }]],
    ['a dataset that is not a root', analysis([job(1, 'dataset', 0, [2]), job(2, 'dataset', 1, 0)]), [{ path: 'jobs[1].from', message: /a dataset is where data enters/ }]],
    ['two jobs with one step', analysis([job(1, 'dataset', 0, 0), job(1, 'dataset', 0, 0)]), [{ path: 'jobs[1].step', message: /step 1 is also jobs\[0\]'s/ }]],
    ['0 mixed with steps', analysis([job(1, 'dataset', 0, [2]), job(2, 'cleaning', [0, 1], 0)]), [{ path: 'jobs[1].from', message: /0 \("none"\) mixed with steps/ }]],
    [
      'no metadata, and a job without a step',
      { 'analysis-id': 'a', 'database-id': 'd', jobs: [{ title: 'dataset', from: 0, next: 0 }] },
      [{ path: 'metadata', message: /expected record/ }],
    ],
  ];

  it.each(cases)('%s', (_name, document, expected) => {
    const { graph, issues } = importDiastema(document);
    expect(graph).toBeUndefined();
    const errors = issues.filter((found) => found.severity === 'error');
    expect(errors).toHaveLength(expected.length);
    expected.forEach(({ path, message }, index) => {
      expect(errors[index]?.path).toBe(path);
      expect(errors[index]?.message).toMatch(message);
    });
  });

  it('suggests the kind a typo meant', () => {
    expect(importDiastema(analysis([job(1, 'datset', 0, 0)])).issues[0]?.fix).toBe('did you mean "dataset"?');
  });

  it('takes prototype-named titles and fields as plain data', () => {
    const { issues } = importDiastema(analysis([job(1, '__proto__', 0, 0), job(2, 'constructor', 0, 0)]));
    expect(issues.filter((found) => found.severity === 'error').map((found) => found.message)).toEqual(['unknown kind "__proto__"', 'unknown kind "constructor"']);
    const { graph } = importDiastema(analysis([job(1, 'dataset', 0, 0, { toString: 'x' })]));
    expect(graph?.steps['dataset-1']?.parameters).toMatchObject({ toString: 'x' });
    // A "__proto__" field would be lost on the way: it is refused, naming the job.
    const proto = importDiastema(analysis([job(1, 'dataset', 0, 0, { ['__proto__']: { polluted: true } })]));
    expect(proto.graph).toBeUndefined();
    expect(proto.issues.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'jobs[0].__proto__', message: expect.stringContaining('"__proto__" cannot be a field name') },
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reports every problem at once', () => {
    const { issues } = importDiastema(analysis([job(1, 'datset', 0, 0), job(2, 'cleaning', 5, 0), job(2, 'cleaning', 0, 0)]));
    expect(issues.filter((found) => found.severity === 'error').map((found) => found.path)).toEqual(['jobs[0].title', 'jobs[2].step', 'jobs[1].from']);
  });
});

const imported = importDiastema(example).graph;
// Two roots, a fan-out to three leaves, one of them a fan-in: several leaves this time.
const leaves = importDiastema(
  analysis([
    job(20, 'dataset', 0, [22, 24]),
    job(21, 'dataset', 0, [24]),
    job(22, 'clustering', 20, [0]),
    job(24, 'data-join', [21, 20], [25, 26]),
    job(25, 'visualization', 24, 0),
    job(26, 'data-sink', 24, [0]),
  ]),
  { name: 'leaves' },
).graph;
const runtime = await startTestRuntime([imported, leaves].flatMap((graph) => (graph === undefined ? [] : [graph])));
afterAll(() => runtime.stop());

describe('an imported analysis, run', () => {
  it('runs a graph with several leaves: every job once, after its parents', async () => {
    const record = await runtime.waitForRun(runtime.startRun('leaves', { source: 'cli' }).runId);
    expect(record.status).toBe('SUCCEEDED');
    expect(Object.keys(record.steps).sort()).toEqual(['clustering-22', 'data-join-24', 'data-sink-26', 'dataset-20', 'dataset-21', 'visualization-25']);
    for (const [id, step] of Object.entries(leaves?.steps ?? {})) {
      expect(record.steps[id]).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
      for (const parent of step.dependsOn ?? []) expect(Date.parse(record.steps[id]?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(record.steps[parent]?.stoppedAt ?? ''));
    }
    expect(leaves?.steps['data-join-24']?.dependsOn).toEqual(['dataset-21', 'dataset-20']);
  });

  it('runs every job once, each after all its parents, independent branches at once, the fan-in given its inputs in "from" order', async () => {
    const record = await runtime.waitForRun(runtime.startRun('analysis-6388', { source: 'cli' }).runId);
    expect(record.status).toBe('SUCCEEDED');
    const steps = imported?.steps ?? {};
    for (const [id, step] of Object.entries(steps)) {
      expect(record.steps[id]).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
      for (const parent of step.dependsOn ?? []) expect(Date.parse(record.steps[id]?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(record.steps[parent]?.stoppedAt ?? ''));
    }
    // The three datasets overlap: the seed ran them one after another.
    const roots = ['dataset-3', 'dataset-5', 'dataset-6'].map((id) => record.steps[id]);
    expect(Math.max(...roots.map((s) => Date.parse(s?.startedAt ?? '')))).toBeLessThan(Math.min(...roots.map((s) => Date.parse(s?.stoppedAt ?? ''))));
    const scheduled = runtime.store
      .readHistory(record.runId)
      .find((event) => event.type === 'LambdaFunctionScheduled' && event.lambdaFunctionScheduledEventDetails?.input?.includes('"step":"data-join-11"'));
    const parameters: unknown = JSON.parse(scheduled?.lambdaFunctionScheduledEventDetails?.input ?? 'null');
    expect(isJsonRecord(parameters) && isJsonRecord(parameters['dependencies']) ? Object.keys(parameters['dependencies']) : []).toEqual(['cleaning-8', 'dataset-6', 'cleaning-7']);
  });
});

describe('orchestra import diastema', () => {
  it('writes the graph, says how to run it, and warns about what it ignored', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'orchestra-diastema-')), 'analysis.graph.json');
    const result = await cli('import', 'diastema', EXAMPLE, '--out', out);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('analysis.json:4:3: warning: diastema-token');
    expect(result.stderr).toContain('pipeline analysis-6388, 10 steps (10 simulated');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(importDiastema(example).graph);
  });

  it('runs the kinds --handlers names as Lambda steps; an unknown kind there is named with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-diastema-'));
    writeFileSync(join(dir, 'kinds.json'), JSON.stringify({ cleaning: 'functions/simulate-step/index.ts' }));
    const ok = await cli('import', 'diastema', EXAMPLE, '--handlers', join(dir, 'kinds.json'));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).steps['cleaning-7']).toMatchObject({ kind: 'lambda', handler: 'functions/simulate-step/index.ts' });
    writeFileSync(join(dir, 'bad.json'), '{\n  "claning": "functions/x.ts"\n}\n');
    const bad = await cli('import', 'diastema', EXAMPLE, '--handlers', join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.json:2:3: error: claning: unknown kind "claning" — did you mean "cleaning"?');
    // Prototype-named keys: "__proto__" is refused by the JSON reader itself, "constructor" is an unknown kind.
    writeFileSync(join(dir, 'proto.json'), '{"__proto__": "functions/x.ts"}');
    const proto = await cli('import', 'diastema', EXAMPLE, '--handlers', join(dir, 'proto.json'));
    expect(proto.code).toBe(1);
    expect(proto.stderr).toContain('proto.json:1:2: error: __proto__: "__proto__" cannot be a name');
    writeFileSync(join(dir, 'constructor.json'), '{"constructor": "functions/y.ts"}');
    expect((await cli('import', 'diastema', EXAMPLE, '--handlers', join(dir, 'constructor.json'))).stderr).toContain('unknown kind "constructor"');
  });

  it('fails with each mistake on its line, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-diastema-'));
    writeFileSync(
      join(dir, 'a.json'),
      '{"analysis-id": "a", "database-id": "d", "metadata": {},\n "jobs": [\n  {"step": 1, "title": "dataset", "from": 0, "next": [2]},\n  {"step": 2, "title": "cleaning", "from": 0, "next": 0}\n]}\n',
    );
    const result = await cli('import', 'diastema', join(dir, 'a.json'), '--out', join(dir, 'out.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("a.json:3:55: error: jobs[0].next[0]: step 1 lists step 2 in next, but step 2's from (jobs[1].from) does not list 1");
  });
});
