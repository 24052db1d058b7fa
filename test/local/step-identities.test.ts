/**
 * The roles the local runtime gives steps (lib/local/endpoints/step-identities.ts): which key a step signs with,
 * and what its role may do — a service step as Orchestra's one service-call function.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { StepIdentities } from '../../lib/local/endpoints/step-identities';

const ROOT = join(import.meta.dirname, '..', '..');
const identities = new StepIdentities('orchestra-data');
identities.update([
  pipelineFromGraph({ name: 'calls', steps: { call: { kind: 'service', url: 'https://svc.example.org/run' }, own: { kind: 'lambda', handler: 'functions/x.ts' } } }, ROOT),
  pipelineFromGraph({ name: 'plain', steps: { only: { kind: 'lambda', handler: 'functions/x.ts' }, child: { kind: 'pipeline', pipeline: 'calls' } } }, ROOT),
]);
const keyOf = (pipeline: string, step: string): string => identities.environmentFor(pipeline, step)['AWS_ACCESS_KEY_ID'] ?? '';
const put = (key: string) => ({ method: 'PUT', bucket: 'orchestra-data', key, query: new URLSearchParams(), headers: {} });

describe("a step's local identity", () => {
  it('is a key pair of its own role per Lambda step, and none for a pipeline step, which makes no calls', () => {
    expect(keyOf('calls', 'own')).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(keyOf('plain', 'only')).not.toBe(keyOf('calls', 'own'));
    expect(identities.secretOf(keyOf('calls', 'own'))).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(identities.environmentFor('plain', 'child')).toEqual({});
  });

  it("holds a service step to the service-call function's role: its waits and its pipelines' tokens, nothing else", () => {
    const key = keyOf('calls', 'call');
    expect(key).toMatch(/^ASIA/);
    expect(identities.s3Denial(key, put('waits/abc.json'))).toBeUndefined();
    expect(identities.s3Denial(key, put('runs/calls/r1/call/out.json'))).toContain(
      'assumed-role/orchestra-service-call/service-call is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::orchestra-data/runs/calls/r1/call/out.json"',
    );
    const onCalls = { action: 'states:SendTaskSuccess', resource: 'arn:aws:states:us-east-1:000000000000:stateMachine:calls' };
    expect(identities.callDenial(key, onCalls)).toBeUndefined();
    expect(identities.callDenial(key, { ...onCalls, resource: 'arn:aws:states:us-east-1:000000000000:stateMachine:plain' })).toContain('states:SendTaskSuccess');
    expect(identities.callDenial(keyOf('calls', 'own'), onCalls)).toContain('Orchestra grants steps no states:SendTaskSuccess');
  });
});
