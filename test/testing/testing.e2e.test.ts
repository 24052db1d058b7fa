/** orchestra/testing, imported as a lab imports it: a pipeline run and a step invoked in-process, each on its own embedded runtime. */
import { join } from 'node:path';
import { invokeStep, runPipeline } from 'orchestra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../helpers/project';

const ROOT = join(import.meta.dirname, '..', '..');
const project = tempProject('testing');
const lab = project.dir;
const write = (path: string, text: string): string => project.write(path, text);

beforeAll(() => {
  write('package.json', '{"name": "lab", "type": "module"}');
  // In a lab, `orchestra` resolves to node_modules/orchestra; here, as tsconfig.json does for this repository, to its sources.
  write('tsconfig.json', JSON.stringify({ compilerOptions: { paths: { orchestra: [join(ROOT, 'lib', 'public', 'index.ts')] } } }));
  write(
    'functions/measure/index.ts',
    [
      "import { getText, outputPrefixOf, putObject, stepHandler } from 'orchestra';",
      'export const handler = stepHandler(async (event, { s3, bucket, logger }) => {',
      "  const text = await getText(s3, bucket, event.input.keys?.[0] ?? '');",
      "  logger.info('measured', { length: text.length });",
      "  await putObject(s3, bucket, outputPrefixOf(event) + 'length.txt', String(text.length), 'text/plain');",
      '  return { length: text.length, unit: event.parameters?.["unit"], after: event.dependencies["start"] };',
      '});',
    ].join('\n'),
  );
  write(
    'state-machines/measure.graph.json',
    JSON.stringify({
      name: 'measure',
      steps: {
        start: { kind: 'simulate', output: { ready: true } },
        measure: { kind: 'lambda', handler: 'functions/measure/index.ts', dependsOn: ['start'], parameters: { unit: 'characters' } },
      },
    }),
  );
  write('data/words.txt', 'four words in here');
});

afterAll(() => project.remove());

describe('runPipeline', () => {
  it('runs the pipeline on its input folder and returns its status, steps, outputs and logs', async () => {
    const run = await runPipeline('measure', { projectRoot: lab, input: 'data' });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.summary.steps).toMatchObject({ start: { status: 'SUCCEEDED' }, measure: { status: 'SUCCEEDED', attempts: 1 } });
    expect(run.summary.cost?.steps['measure']?.lambda).toMatchObject({ requests: 1, architecture: 'arm64' });
    expect(run.outputText('measure/length.txt')).toBe('18');
    expect(run.logs.some((entry) => entry.step === 'measure' && entry.message.includes('"measured"'))).toBe(true);
    expect(() => run.outputText('nope.txt')).toThrow('no output "nope.txt"; the run wrote: measure/length.txt');
  });

  it('names the pipelines there are when the name matches none', async () => {
    await expect(runPipeline('measur', { projectRoot: lab })).rejects.toThrow(`no pipeline "measur" in ${join(lab, 'state-machines')}/`);
  });
});

describe('invokeStep', () => {
  it('runs one step with the event its graph gives it: parameters from the graph, the dependencies and input given, objects put first', async () => {
    const invocation = await invokeStep('measure', 'measure', {
      projectRoot: lab,
      objects: { 'ingest/measure/a.txt': 'abc' },
      input: { source: 'cli', keys: ['ingest/measure/a.txt'] },
      dependencies: { start: { ready: true } },
      runId: 'unit-1',
    });

    expect(invocation.result).toEqual({ length: 3, unit: 'characters', after: { ready: true } });
    expect(Buffer.from(invocation.outputs.get('length.txt') ?? []).toString()).toBe('3');
    expect(invocation.logs.some((line) => line.includes('"runId":"unit-1"'))).toBe(true);
  });

  it('throws the step error, and names the steps there are for an unknown one', async () => {
    await expect(invokeStep('measure', 'measure', { projectRoot: lab, input: { source: 'cli', keys: ['ingest/measure/missing.txt'] } })).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    await expect(invokeStep('measure', 'constructor', { projectRoot: lab })).rejects.toThrow('pipeline "measure" has no step "constructor"; its steps: start, measure');
  });

  it("holds the step to its deployed role: a read outside the pipeline's inputs is AccessDenied, unless IAM is turned off (with a warning)", async () => {
    const outside = { projectRoot: lab, objects: { 'elsewhere/a.txt': 'abc' }, input: { source: 'cli', keys: ['elsewhere/a.txt'] }, dependencies: { start: null } };
    await expect(invokeStep('measure', 'measure', outside)).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('s3:GetObject on resource: "arn:aws:s3:::orchestra-data/elsewhere/a.txt"'),
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => warnings.push(`${warning.code}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      expect((await invokeStep('measure', 'measure', { ...outside, iam: false })).result).toMatchObject({ length: 3 });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([expect.stringMatching(/^ORCHESTRA_IAM_OFF: IAM is not enforced/)]);
  });
});
