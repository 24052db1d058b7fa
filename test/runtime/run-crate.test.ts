/** The crate of a run from its facts (lib/runtime/provenance/run-crate.ts), against the profiles' terms. */
import { describe, expect, it } from 'vitest';
import { type RunFacts, runCrate } from '../../lib/runtime/provenance/run-crate';
import { runCrateProblems } from '../helpers/run-crate-terms';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, seconds)).toISOString();

/** A failed run: c is listed before b, which it depends on; a was reused, b failed twice, d never ran. */
const facts: RunFacts = {
  pipeline: 'p',
  runId: 'r2',
  status: 'FAILED',
  startedAt: at(0),
  stoppedAt: at(59),
  error: { error: 'States.TaskFailed', cause: 'b broke' },
  source: 'schedule',
  input: { bucket: 'data', prefix: 'ingest/p/set/', source: 'schedule' },
  description: {
    name: 'p',
    steps: {
      a: { kind: 'lambda', dependsOn: [], codeIdentity: 'a'.repeat(64) },
      c: { kind: 'lambda', dependsOn: ['b'] },
      b: { kind: 'container', dependsOn: ['a'], description: 'the model', codeIdentity: 'image asset 1234', inputs: ['in.txt'] },
      d: { kind: 'lambda', dependsOn: ['c'] },
    },
  },
  steps: {
    a: { status: 'SUCCEEDED', attempts: 0, startedAt: at(1), stoppedAt: at(2), reusedFrom: { runId: 'r1', step: 'a' } },
    b: {
      status: 'FAILED',
      attempts: 2,
      startedAt: at(2),
      stoppedAt: at(58),
      error: 'States.TaskFailed',
      cause: 'b broke',
      usage: [
        { endedAt: at(20), measuredBy: 'container-insights', scope: 'invocation', durationMs: 18_000, maxMemoryMb: 900, cpuMs: 17_000, memorySizeMb: 2048 },
        { endedAt: at(58), measuredBy: 'container-insights', scope: 'invocation', durationMs: 30_000, maxMemoryMb: 1200, cpuMs: 29_000, memorySizeMb: 2048 },
      ],
    },
    c: { status: 'SKIPPED', attempts: 0 },
    d: { status: 'SKIPPED', attempts: 0 },
  },
  attempts: {
    b: [
      { status: 'FAILED', startedAt: at(2), stoppedAt: at(20), error: 'States.TaskFailed', cause: 'exit 1', imageDigest: 'sha256:feed' },
      { status: 'FAILED', startedAt: at(28), stoppedAt: at(58), error: 'States.TaskFailed', cause: 'b broke', imageDigest: 'sha256:feed' },
    ],
  },
  inputs: [
    { id: 's3://data/ingest/p/set/in.txt', size: 3, sha256: 'a'.repeat(64), etag: '"e1"', versionId: '3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY' },
    { id: 's3://data/ingest/p/set/other.txt', size: 5, sha256: 'd'.repeat(64) },
  ],
  outputs: [
    { id: 'a/out.json', size: 2, sha256: 'b'.repeat(64), step: 'a' },
    { id: 'b/partial.nc', size: 9, sha256: 'c'.repeat(64), step: 'b' },
  ],
  engine: { name: 'Orchestra', version: '0.1.0', target: 'aws' },
};

const entity = (id: string) => runCrate(facts)['@graph'].find((e) => e['@id'] === id);
const ids = (...values: string[]) => values.map((id) => ({ '@id': id }));

describe('a run crate', () => {
  it("passes the profiles' terms for a failed run with a reused, a retried and a skipped step", () => {
    expect(runCrateProblems(runCrate(facts))).toEqual([]);
  });

  it('says how the run ended and gives each attempt its own action, with its times, error, code identity and what it read and wrote', () => {
    expect(entity('#run-r2')).toMatchObject({
      actionStatus: { '@id': 'http://schema.org/FailedActionStatus' },
      error: 'States.TaskFailed: b broke',
      agent: { '@id': '#agent-schedule' },
      object: ids('s3://data/ingest/p/set/in.txt', 's3://data/ingest/p/set/other.txt', '#run-r2#input'),
    });
    expect(entity('#run-r2/step/b/attempt-1')).toMatchObject({
      instrument: { '@id': '#tool/b' },
      startTime: at(2),
      endTime: at(20),
      error: 'States.TaskFailed: exit 1',
      // It read the input file its `inputs` names (not other.txt), the run's input and a's outputs; its folder holds what its last attempt left.
      object: ids('s3://data/ingest/p/set/in.txt', '#run-r2#input', 'a/out.json'),
      result: [],
    });
    expect(entity('#run-r2/step/b/attempt-2')).toMatchObject({ startTime: at(28), error: 'States.TaskFailed: b broke', result: ids('b/partial.nc') });
    expect(entity('#run-r2/step/b/attempt-1#codeIdentity')).toMatchObject({ value: 'image sha256:feed' });
    expect(entity('#control/b')).toMatchObject({
      object: ids('#run-r2/step/b/attempt-1', '#run-r2/step/b/attempt-2'),
      actionStatus: { '@id': 'http://schema.org/FailedActionStatus' },
    });
    expect(entity('#tool/b')).toMatchObject({ identifier: 'code:image asset 1234', input: { '@id': '#tool/b/input' }, output: { '@id': '#tool/b/output' } });
  });

  it('gives each attempt what it used as resourceUsage, with a quantity id and a QUDT unit', () => {
    expect(entity('#run-r2/step/b/attempt-2')).toMatchObject({
      resourceUsage: expect.arrayContaining(ids('#run-r2/step/b/attempt-2#maxMemoryMb', '#run-r2/step/b/attempt-2#cpuMs')),
    });
    expect(entity('#run-r2/step/b/attempt-2#maxMemoryMb')).toMatchObject({
      value: '1200',
      unitCode: 'https://qudt.org/vocab/unit/MegaBYTE',
      propertyID: 'urn:orchestra:usage:maxMemoryMb',
    });
    expect(entity('#run-r2/step/b/attempt-1#cpuMs')).toMatchObject({ value: '17000', unitCode: 'https://qudt.org/vocab/unit/MilliSEC' });
  });

  it('says which step was reused, and leaves out the steps that never ran (their plan stays)', () => {
    expect(entity('#run-r2/step/a/reused#reusedFrom')).toMatchObject({ value: JSON.stringify({ runId: 'r1', step: 'a' }) });
    expect(entity('#run-r2/step/a/reused#codeIdentity')).toMatchObject({ value: 'a'.repeat(64) });
    for (const step of ['c', 'd']) expect(runCrate(facts)['@graph'].filter((e) => String(e['@id']).includes(`/step/${step}`) || e['@id'] === `#control/${step}`)).toEqual([]);
    expect(entity('#step/d')).toMatchObject({ '@type': 'HowToStep' });
  });

  it('joins the parameters along the dependencies and numbers the steps in an order that runs each after what it takes', () => {
    expect(['a', 'b', 'c', 'd'].map((step) => entity(`#step/${step}`)?.['position'])).toEqual(['0', '1', '2', '3']);
    expect(entity('#step/c')).toMatchObject({ connection: ids('#connection/param/input-files->tool/c/input', '#connection/tool/b/output->tool/c/input') });
    expect(entity('#connection/tool/b/output->tool/c/input')).toMatchObject({ '@type': 'ParameterConnection', sourceParameter: { '@id': '#tool/b/output' } });
    expect(entity('b/partial.nc')).toMatchObject({ '@type': 'File', contentSize: '9', exampleOfWork: ids('#param/outputs', '#tool/b/output') });
    expect(entity('#run-r2#input')).toMatchObject({ exampleOfWork: { '@id': '#param/run-input' }, value: JSON.stringify(facts.input) });
    // An input as it was read: its S3 version (the stack's bucket keeps versions) and ETag beside its checksum.
    expect(entity('s3://data/ingest/p/set/in.txt')).toMatchObject({ version: '3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY', identifier: 'etag:"e1"', sha256: 'a'.repeat(64) });
  });

  it('is caught by the terms check when a required term is missing, a position runs backwards, or a file is an example of nothing', () => {
    const crate = runCrate(facts);
    const change = (id: string, patch: Record<string, unknown>) => ({ ...crate, '@graph': crate['@graph'].map((e) => (e['@id'] === id ? { ...e, ...patch } : e)) });
    expect(runCrateProblems(change('#run-r2', { instrument: undefined }))).toContain('no CreateAction has the workflow as its instrument');
    expect(runCrateProblems(change('#step/c', { position: '0' }))).toContain("#step/c: position 0 is not after #tool/b's, whose outputs it takes");
    expect(runCrateProblems(change('a/out.json', { exampleOfWork: undefined }))).toContain('a/out.json: an object or result of the run that is an example of no FormalParameter');
    expect(runCrateProblems(change('#control/b', { object: ids('#run-r2/step/b/attempt-2') }))).toContain('#run-r2/step/b/attempt-1: a tool run no ControlAction orchestrates');
    expect(runCrateProblems(change('#param/outputs', { '@type': 'Thing' }))).toContain('workflow.asl.json.output → #param/outputs: not a FormalParameter');
  });
});
