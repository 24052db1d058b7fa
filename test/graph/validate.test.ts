import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, type IssueCode, validateGraphFile, validateGraphText } from '../../lib/graph';
import { defined } from '../../lib/shared/defined';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const validateFixture = (name: string) => validateGraphFile(join(FIXTURES, 'graphs', name), { rootDir: FIXTURES });

interface Expected {
  code: IssueCode;
  path: string;
  message: string;
  line?: number;
}

const invalidCases: Array<[string, Expected[]]> = [
  ['json-syntax', [{ code: 'json-syntax', path: '', message: 'invalid JSON: comma expected — add a ","', line: 5 }]],
  [
    'bad-keyed-trigger',
    [
      { code: 'invalid-trigger', path: 'trigger.required[1]', message: 'a data type is one path segment' },
      { code: 'schema', path: 'trigger.optionalGraceSeconds', message: '-1' },
      { code: 'invalid-trigger', path: 'trigger.ingestPrefix', message: '"ingestPrefix" does not apply in keyed mode' },
      { code: 'invalid-trigger', path: 'trigger.optional[0]', message: '"EclTmVhfAlert" is both required and optional' },
      { code: 'invalid-trigger', path: 'trigger.dataPrefix', message: 'overlaps "runs/"' },
    ],
  ],
  ['unknown-dependency', [{ code: 'unknown-dependency', path: 'steps.run-model.dependsOn[0]', message: 'unknown step "validat" — did you mean "validate"?', line: 5 }]],
  [
    'cycle',
    [
      { code: 'dependency-cycle', path: 'steps.a.dependsOn', message: 'dependency cycle: a → b → c → a' },
      { code: 'self-dependency', path: 'steps.d.dependsOn[0]', message: 'step "d" depends on itself' },
    ],
  ],
  ['empty-steps', [{ code: 'empty-steps', path: 'steps', message: 'the pipeline has no steps' }]],
  ['not-an-object', [{ code: 'schema', path: '', message: 'must be a JSON object' }]],
  ['duplicate-step', [{ code: 'duplicate-key', path: 'steps.a', message: '"a" is defined more than once', line: 5 }]],
  ['resource-collision', [{ code: 'resource-name-collision', path: 'steps.run_model', message: 'same AWS resource name "RunModel"' }]],
  [
    'bad-trigger',
    [
      { code: 'invalid-trigger', path: 'trigger.ingestPrefix', message: 'no leading "/"' },
      { code: 'invalid-trigger', path: 'trigger.mode', message: 'dataset mode needs "requiredFiles", "marker" or "case"' },
      {
        code: 'invalid-trigger',
        path: 'trigger.schedule',
        message: '"every day" is neither rate(…) nor cron(…) — e.g. "rate(1 day)" or "cron(0 2 * * ? *)"',
      },
    ],
  ],
  [
    'many-problems',
    [
      { code: 'schema', path: 'name', message: 'may contain only letters, digits' },
      { code: 'unknown-property', path: 'stepz', message: 'unknown property "stepz" — did you mean "steps"?' },
      { code: 'unknown-kind', path: 'steps.a.kind', message: 'unknown kind "lamda" — did you mean "lambda"?' },
      { code: 'unknown-property', path: 'steps.b.handlr', message: 'did you mean "handler"?' },
      { code: 'missing-handler-file', path: 'steps.b.handler', message: '"functions/missing/index.ts" does not exist' },
      { code: 'schema', path: 'steps.c.failureRate', message: 'number 1.5 is out of range — use a value at most 1' },
      { code: 'schema', path: 'steps.c.durationMs', message: 'received string "slow"' },
      { code: 'invalid-retry', path: 'steps.c.retry.maxAttempts', message: 'use a value at least 1' },
      { code: 'invalid-retry', path: 'steps.c.retry.backoffRate', message: 'number 0.5 is out of range' },
      { code: 'invalid-step-id', path: 'steps.d e', message: 'invalid step id "d e" — use only letters, digits, "-" and "_", e.g. "d-e"' },
      { code: 'missing-handler-export', path: 'steps.f.handler', message: 'does not export "handler"' },
      { code: 'invalid-timeout', path: 'steps.f.timeoutSeconds', message: "over Lambda's 900 s limit" },
      { code: 'missing-bundled-file', path: 'steps.f.files.0', message: '"fonts/missing.ttf" does not exist' },
      { code: 'missing-bundled-file', path: 'steps.f.files.1', message: '"../outside.txt" is not inside the project' },
      { code: 'invalid-retry', path: 'steps.g.retry.maxDelaySeconds', message: 'maxDelaySeconds (5) is below intervalSeconds (10)' },
      { code: 'missing-container-image', path: 'steps.h.image', message: 'no Dockerfile in "./containers/nowhere"' },
    ],
  ],
];

describe('validateGraphFile', () => {
  it.each(invalidCases)('fails when the graph is %s, reporting every problem with path and fix', (name, expected) => {
    const result = validateFixture(`invalid/${name}.graph.json`);

    expect(result.graph).toBeUndefined();
    const errors = result.issues.filter((i) => i.severity === 'error');
    expect(errors).toHaveLength(expected.length);
    for (const want of expected) {
      const found = errors.find((i) => i.code === want.code && i.path === want.path);
      expect(found).toBeDefined();
      expect(formatIssue(defined(found))).toContain(want.message);
      expect(defined(found).line).toBeGreaterThan(0);
      if (want.line !== undefined) expect(defined(found).line).toBe(want.line);
    }
  });

  it('accepts a graph using every kind, several roots and leaves, and a dataset trigger', () => {
    const result = validateFixture('valid/all-kinds.graph.json');

    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(Object.keys(defined(result.graph).steps)).toHaveLength(6);
    expect(defined(result.graph).trigger).toEqual({ ingestPrefix: 'ingest/all-kinds/', mode: 'dataset', marker: '_READY' });
  });

  it('warns, without failing, when a container step has no local command', () => {
    const text = JSON.stringify({ name: 'p', steps: { m: { kind: 'container', image: 'public.ecr.aws/x/y:1' } } });

    const result = validateGraphText(text);

    expect(result.graph).toBeDefined();
    expect(result.issues.map((i) => [i.code, i.severity])).toEqual([['missing-local-command', 'warning']]);
  });

  it.each(['/opt/images/model', '../elsewhere/model'])('fails when a Dockerfile folder (%s) lies outside the project root, the Docker build context', (image) => {
    const text = JSON.stringify({ name: 'p', steps: { m: { kind: 'container', image, local: { command: ['true'] } } } });

    const result = validateGraphText(text, { rootDir: FIXTURES });

    expect(result.issues.map((i) => [i.code, i.path])).toEqual([['missing-container-image', 'steps.m.image']]);
    expect(defined(result.issues[0]).message).toContain('outside the project root');
  });

  it("refuses a step's inputs that are not files of the run's input folder, one problem each, with where and why", () => {
    const text = JSON.stringify({
      name: 'p',
      steps: {
        a: { kind: 'lambda', handler: 'functions/hello/index.ts', inputs: ['/etc/passwd', '', 'hydrograph.txt', '__proto__'] },
        b: { kind: 'lambda', handler: 'functions/hello/index.ts', inputs: [] },
      },
    });

    const result = validateGraphText(text, { rootDir: FIXTURES });

    expect(result.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'steps.a.inputs[0]: relative to the run\'s input folder: no leading "/" (received string "/etc/passwd")',
      'steps.a.inputs[1]: expected string to have >=1 characters',
      'steps.b.inputs: expected array to have >=1 items',
    ]);
  });

  it('fails when a Lambda step asks for more than 900 s', () => {
    const text = JSON.stringify({ name: 'p', steps: { f: { kind: 'lambda', handler: 'functions/hello/index.ts', timeoutSeconds: 901 } } });

    const result = validateGraphText(text, { rootDir: FIXTURES });

    expect(result.issues.map((i) => `${i.code} ${i.path}: ${i.message}`)).toEqual(["invalid-timeout steps.f.timeoutSeconds: 901 s is over Lambda's 900 s limit"]);
  });

  it('fails when a Lambda step inherits more than 900 s from the defaults, naming the default and the step (issue 30: it passed, and the deploy failed)', () => {
    const text = JSON.stringify({
      name: 'p',
      defaults: { timeoutSeconds: 1200 },
      steps: { f: { kind: 'lambda', handler: 'functions/hello/index.ts' }, g: { kind: 'lambda', handler: 'functions/hello/index.ts', timeoutSeconds: 60 } },
    });

    const result = validateGraphText(text, { rootDir: FIXTURES });

    expect(result.issues.map((i) => `${i.code} ${i.path}: ${i.message} — ${i.fix}`)).toEqual([
      'invalid-timeout defaults.timeoutSeconds: 1200 s, which Lambda step "f" inherits, is over Lambda\'s 900 s limit — give steps.f a timeoutSeconds of at most 900, or lower the default',
    ]);
  });

  it("refuses an access that reaches Orchestra's own records or another pipeline's runs, naming the entry (issue 30)", () => {
    const text = JSON.stringify({
      name: 'p',
      steps: {
        f: {
          kind: 'lambda',
          handler: 'functions/hello/index.ts',
          access: { read: ['runs/other/', 'archive/'], write: ['waits/x', 'runs/p/{runId}/shared/'], delete: ['runs/other/{runId}/'] },
        },
      },
    });

    const result = validateGraphText(text, { rootDir: FIXTURES });

    expect(result.issues.map((i) => `${i.code} ${i.path}: ${i.message}`)).toEqual([
      'invalid-access steps.f.access.write[0]: "waits/x" is under waits/, where Orchestra keeps its own records: no step may write there',
      'invalid-access steps.f.access.delete[0]: "runs/other/{runId}/" reaches other pipelines\' runs: a step may delete only under its own pipeline\'s, runs/p/',
    ]);
    expect(
      validateGraphText(JSON.stringify({ name: 'p', steps: { f: { kind: 'lambda', handler: 'functions/hello/index.ts', access: { write: ['*'] } } } }), { rootDir: FIXTURES })
        .issues[0],
    ).toMatchObject({
      code: 'schema',
      path: 'steps.f.access.write[0]',
    });
  });

  it('fails when any key is "__proto__" (it would be dropped silently), naming the line', () => {
    const result = validateGraphText('{\n  "name": "p",\n  "steps": { "a": { "kind": "simulate", "output": { "__proto__": 1 } }, "__proto__": { "kind": "simulate" } }\n}');

    expect(result.graph).toBeUndefined();
    expect(result.issues.filter((i) => i.code === 'reserved-key').map((i) => [i.path, i.line])).toEqual([
      ['steps.a.output.__proto__', 3],
      ['steps.__proto__', 3],
    ]);
  });

  it.each([
    [{ ingestPrefix: 'runs/' }, 'trigger.ingestPrefix', 'overlaps "runs/"'],
    [{ ingestPrefix: 'runs/flood/' }, 'trigger.ingestPrefix', 'overlaps "runs/"'],
    [{ ingestPrefix: 'inputs/' }, 'trigger.ingestPrefix', 'overlaps "inputs/"'],
    [{ ingestPrefix: 'waits/' }, 'trigger.ingestPrefix', 'overlaps "waits/", where Orchestra writes its own objects (run outputs, CLI uploads, service steps\' waits'],
    [{ ingestPrefix: 'backfills/x/' }, 'trigger.ingestPrefix', 'overlaps "backfills/"'],
    [{ ingestPrefix: 'ingest/../runs/' }, 'trigger.ingestPrefix', 'has a "." or ".." segment'],
    [{ ingestPrefix: 'ingest/p/', mode: 'dataset', marker: 'a/_READY' }, 'trigger.marker', 'is not a file name'],
    [{ ingestPrefix: 'ingest/p/', mode: 'dataset', requiredFiles: ['dem.asc', '../x.asc'] }, 'trigger.requiredFiles[1]', 'is not a file inside the dataset folder'],
  ])('fails when the trigger %j could loop or leave its folder', (trigger, path, message) => {
    const result = validateGraphText(JSON.stringify({ name: 'p', trigger, steps: { a: { kind: 'simulate' } } }));

    expect(result.graph).toBeUndefined();
    expect(result.issues.filter((i) => i.code === 'invalid-trigger').map((i) => [i.path, i.message.includes(message)])).toContainEqual([path, true]);
  });

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['UTF-16 text', Buffer.from('{"name": "p"}', 'utf16le').toString('latin1'), 'the file is not UTF-8 text (it looks like UTF-16)'],
  ])('fails on %s with one clear message', (_, text, message) => {
    const result = validateGraphText(text);

    expect(result.issues.map((i) => i.message)).toEqual([message]);
  });

  it('fails on values nested thousands of levels deep with one issue, not a stack overflow', () => {
    const deep = `{"name":"p","steps":{"a":{"kind":"simulate","output":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`;

    const result = validateGraphText(deep);

    expect(result.issues.map((i) => [i.message, i.line])).toEqual([['values are nested more than 256 levels deep', 1]]);
  });

  it('reports 20,000 problems, each with its line (positions in one pass, one suggestion per unknown name)', () => {
    const text = JSON.stringify({ name: 'p', steps: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`s${i}`, { kind: 'simulate', dependsOn: ['nope'] }])) }, null, 1);

    const result = validateGraphText(text);

    expect(result.issues).toHaveLength(20_000);
    expect(result.issues.at(-1)).toMatchObject({ code: 'unknown-dependency', path: 'steps.s19999.dependsOn[0]', line: 120_001 });
  });

  it.each([
    ['rate(banana)', 'trigger.schedule'],
    ['cron(0 2 * *)', 'trigger.schedule'],
  ])('fails on the schedule %s at validation, not at deploy', (schedule, path) => {
    const result = validateGraphText(JSON.stringify({ name: 'p', trigger: { schedule }, steps: { a: { kind: 'simulate' } } }));

    expect(result.issues.map((i) => i.path)).toContain(path);
  });

  it('accepts rate(1 day) and a six-field cron', () => {
    for (const schedule of ['rate(1 day)', 'rate(15 minutes)', 'cron(0 2 * * ? *)']) {
      expect(validateGraphText(JSON.stringify({ name: 'p', trigger: { schedule }, steps: { a: { kind: 'simulate' } } })).graph).toBeDefined();
    }
  });

  it('fails on container environment names such as "A=B" and a local.cwd outside the project', () => {
    const text = JSON.stringify({
      name: 'p',
      steps: { m: { kind: 'container', image: 'public.ecr.aws/x/y:1', environment: { 'A=B': '1' }, local: { command: ['true'], cwd: '../../../' } } },
    });

    const result = validateGraphText(text, { rootDir: FIXTURES });

    expect(result.issues.map((i) => i.path)).toEqual(['steps.m.environment.A=B', 'steps.m.local.cwd']);
  });

  it('accepts a handler in a functions/ folder whose name starts with ".." (only a ".." segment leaves functions/)', () => {
    const root = mkdtempSync(join(tmpdir(), 'orchestra-dots-'));
    mkdirSync(join(root, 'functions', '..evil'), { recursive: true });
    writeFileSync(join(root, 'functions', '..evil', 'index.ts'), 'export const handler = async () => ({});');
    writeFileSync(join(root, 'index.ts'), 'export const handler = async () => ({});');

    const result = validateGraphText(JSON.stringify({ name: 'p', steps: { f: { kind: 'lambda', handler: 'functions/..evil/index.ts' } } }), { rootDir: root });
    const outside = validateGraphText(JSON.stringify({ name: 'p', steps: { f: { kind: 'lambda', handler: 'functions/../index.ts' } } }), { rootDir: root });

    expect(result.issues).toEqual([]);
    expect(outside.issues.map((i) => i.message)).toEqual(['handler "functions/../index.ts" is outside functions/']);
  });

  it('accepts a UTF-8 byte-order mark', () => {
    expect(validateGraphText(`\uFEFF${JSON.stringify({ name: 'p', steps: { a: { kind: 'simulate' } } })}`).graph).toBeDefined();
  });

  it('says a number that overflows is too large, not "null"', () => {
    const result = validateGraphText('{"name": "p", "steps": {"a": {"kind": "simulate", "timeoutSeconds": 1e400}}}');

    expect(result.issues.map((i) => i.message).join('\n')).toContain('a number too large for a double');
  });

  it('does not echo a 100,000-character step id whole', () => {
    const result = validateGraphText(JSON.stringify({ name: 'p', steps: { ['x'.repeat(100_000)]: { kind: 'simulate' } } }));

    expect(result.issues.map((i) => i.code)).toEqual(['invalid-step-id']);
    expect(formatIssue(defined(result.issues[0])).length).toBeLessThan(400);
  });

  it('accepts several disconnected sub-graphs in one file', () => {
    const text = JSON.stringify({ name: 'p', steps: { a: { kind: 'simulate' }, b: { kind: 'simulate', dependsOn: ['a'] }, c: { kind: 'simulate' } } });

    expect(validateGraphText(text).graph).toBeDefined();
  });

  it('fails when a step id is longer than 80 characters', () => {
    const id = 'x'.repeat(81);
    const result = validateGraphText(JSON.stringify({ name: 'p', steps: { [id]: { kind: 'simulate' } } }));

    expect(result.issues.map((i) => i.code)).toEqual(['invalid-step-id']);
    expect(defined(result.issues[0]).message).toContain('81 characters');
  });

  it('fails when the file does not exist, without throwing', () => {
    const result = validateGraphFile(join(FIXTURES, 'nope.graph.json'));

    expect(result.issues.map((i) => i.message)).toEqual(['file not found']);
  });

  it('fails with wrong types named precisely', () => {
    const result = validateGraphText(JSON.stringify({ name: 5, steps: { a: { kind: 'simulate', dependsOn: 'b' } } }));

    expect(result.issues.map((i) => `${i.path}: ${i.message}`)).toEqual(['name: expected string, received number 5', 'steps.a.dependsOn: expected array, received string "b"']);
  });
});
