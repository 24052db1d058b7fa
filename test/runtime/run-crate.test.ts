/** The crate of a run from its facts (lib/runtime/provenance/run-crate.ts), against the profiles' terms. */
import { describe, expect, it } from 'vitest';
import { type RunFacts, runCrate } from '../../lib/runtime/provenance/run-crate';
import { runCrateProblems } from '../helpers/run-crate-terms';

const facts: RunFacts = {
  pipeline: 'p',
  runId: 'r2',
  status: 'FAILED',
  startedAt: '2026-12-07T10:00:00.000Z',
  stoppedAt: '2026-12-07T10:01:00.000Z',
  error: { error: 'States.TaskFailed', cause: 'b broke' },
  source: 'schedule',
  description: {
    name: 'p',
    steps: {
      a: { kind: 'lambda', dependsOn: [] },
      b: { kind: 'container', dependsOn: ['a'], description: 'the model' },
      c: { kind: 'lambda', dependsOn: ['b'] },
    },
  },
  steps: {
    a: { status: 'SUCCEEDED', attempts: 0, startedAt: '2026-12-07T10:00:01.000Z', stoppedAt: '2026-12-07T10:00:02.000Z', reusedFrom: { runId: 'r1', step: 'a' } },
    b: { status: 'FAILED', attempts: 2, startedAt: '2026-12-07T10:00:02.000Z', stoppedAt: '2026-12-07T10:00:59.000Z', error: 'States.TaskFailed', cause: 'b broke' },
    c: { status: 'SKIPPED', attempts: 0 },
  },
  decisions: {},
  inputs: [{ id: 's3://data/ingest/p/set/in.txt', size: 3, sha256: 'a'.repeat(64) }],
  outputs: [{ id: 'a/out.json', size: 2, sha256: 'b'.repeat(64), step: 'a' }],
  engine: { name: 'Orchestra', version: '0.1.0', target: 'aws' },
};

const entity = (id: string) => runCrate(facts)['@graph'].find((e) => e['@id'] === id);

describe('a run crate', () => {
  it("passes the profiles' terms for a failed run with a reused, a failed and a skipped step", () => {
    expect(runCrateProblems(runCrate(facts))).toEqual([]);
  });

  it('says how the run and each step ended, which step was reused, and leaves out the step that never ran', () => {
    expect(entity('#run-r2')).toMatchObject({
      actionStatus: { '@id': 'http://schema.org/FailedActionStatus' },
      error: 'States.TaskFailed: b broke',
      agent: { '@id': '#agent-schedule' },
    });
    expect(entity('#run-r2/step/b')).toMatchObject({ actionStatus: { '@id': 'http://schema.org/FailedActionStatus' }, error: 'States.TaskFailed: b broke' });
    expect(entity('#run-r2/step/a#reusedFrom')).toMatchObject({ value: JSON.stringify({ runId: 'r1', step: 'a' }) });
    expect(entity('#run-r2/step/c')).toBeUndefined();
    expect(entity('#control/c')).toBeUndefined();
    expect(entity('#step/c')).toMatchObject({ '@type': 'HowToStep', position: '2' });
    expect(entity('a/out.json')).toMatchObject({ '@type': 'File', contentSize: '2', sha256: 'b'.repeat(64) });
  });

  it('is caught by the terms check when a required term is missing', () => {
    const crate = runCrate(facts);
    const broken = { ...crate, '@graph': crate['@graph'].map((e) => (e['@id'] === '#run-r2' ? { ...e, instrument: undefined } : e)) };
    expect(runCrateProblems(broken)).toContain('no CreateAction has the workflow as its instrument');
  });
});
