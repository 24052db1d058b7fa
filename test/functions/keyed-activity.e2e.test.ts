/**
 * Activity events in AWS: the conductor turns keyed runs' own Step Functions status changes into
 * `started`/`succeeded`/`failed`, and its expiries into `expired`, and puts them on EventBridge —
 * the events `orchestra up` streams locally, from the same translation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyedConductor, eventBridgeEmitter } from '../../functions/keyed-conductor';
import type { ActivityEvent } from '../../lib/contract/activity';
import { localStateMachineArn } from '../../lib/local/engine/bindings';
import { LocalKeyLedger } from '../../lib/local/triggers/key-ledger';
import { keyedTriggersOf } from '../../lib/local/triggers/keyed-router';
import { activityOfStatusChange, StatusChangeEventError } from '../../lib/runtime/keyed/execution-status';
import { startTestRuntime, upload } from '../helpers/local-runtime';

const PROD_QPO = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Prod-QPO_ECL';
const statusChange = (status: string, input: unknown, stateMachineArn = PROD_QPO) => ({
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  time: '2026-12-03T10:00:00Z',
  detail: { stateMachineArn, name: 'obs-1-abc', status, input: JSON.stringify(input) },
});
/** State machine names are stack-scoped: the conductor knows which of its pipelines each is. */
const pipelineOf = (arn: string) => (arn === PROD_QPO ? 'QPO_ECL' : undefined);
const keyedInput = { source: 'keyed', key: 'obs-1', inputs: {} };

describe("Step Functions' status changes as activity events", () => {
  it('says started, succeeded or failed (with the status) for keyed runs, named by pipeline and key', () => {
    expect(activityOfStatusChange(statusChange('RUNNING', keyedInput), pipelineOf)).toEqual({
      type: 'started',
      pipeline: 'QPO_ECL',
      key: 'obs-1',
      runId: 'obs-1-abc',
      time: '2026-12-03T10:00:00Z',
    });
    expect(activityOfStatusChange(statusChange('SUCCEEDED', keyedInput), pipelineOf)).toMatchObject({ type: 'succeeded', status: 'SUCCEEDED' });
    // A machine it does not know is named by its own name.
    expect(activityOfStatusChange(statusChange('RUNNING', keyedInput, 'arn:aws:states:eu-west-1:1:stateMachine:Other-x'))).toMatchObject({ pipeline: 'Other-x' });
    for (const status of ['FAILED', 'TIMED_OUT', 'ABORTED']) expect(activityOfStatusChange(statusChange(status, keyedInput))).toMatchObject({ type: 'failed', status });
  });

  it('says nothing for runs that are not keyed, nor for an input it cannot read', () => {
    expect(activityOfStatusChange(statusChange('SUCCEEDED', { source: 'api' }))).toBeUndefined();
    expect(activityOfStatusChange({ ...statusChange('SUCCEEDED', null), detail: { ...statusChange('SUCCEEDED', null).detail, input: null } })).toBeUndefined();
  });

  it('refuses a malformed status change, naming the field', () => {
    const { status: _status, ...detail } = statusChange('RUNNING', keyedInput).detail;
    expect(() => activityOfStatusChange({ ...statusChange('RUNNING', keyedInput), detail })).toThrow(StatusChangeEventError);
    expect(() => activityOfStatusChange({ ...statusChange('RUNNING', keyedInput), detail })).toThrow(/detail\.status/);
  });
});

const runtime = await startTestRuntime([{ name: 'late', trigger: { mode: 'keyed', required: ['A', 'B'], expireAfterSeconds: 60 }, steps: { make: { kind: 'simulate' } } }]);
afterAll(() => runtime.stop());

describe('the conductor as an activity source', () => {
  const emitted: ActivityEvent[] = [];
  let clock = new Date('2026-12-03T10:00:00Z');
  const conductor = createKeyedConductor({
    s3: runtime.s3.client,
    sfn: runtime.sfn,
    ledger: new LocalKeyLedger(mkdtempSync(join(tmpdir(), 'orchestra-ledger-'))),
    scheduleCheck: async () => undefined,
    configuration: () => ({ triggers: keyedTriggersOf(runtime.pipelines), awaited: [], stateMachineArnOf: localStateMachineArn }),
    emit: async (events) => {
      emitted.push(...events);
    },
    now: () => clock,
    logger: { info: () => undefined, warn: () => undefined },
  });

  it('emits a status change of a keyed run, and decides nothing on it', async () => {
    expect(await conductor(statusChange('RUNNING', keyedInput, localStateMachineArn('late')))).toEqual([]);
    expect(emitted.splice(0)).toEqual([expect.objectContaining({ type: 'started', pipeline: 'late', key: 'obs-1' })]);
  });

  it('emits "expired" with the missing types when a key expires', async () => {
    await upload(runtime, 'data/A/obs-9/a.fits', 'a');
    const objectCreated = {
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: runtime.s3.bucket }, object: { key: 'data/A/obs-9/a.fits', etag: 'e1' } },
    };
    expect(await conductor(objectCreated)).toEqual([expect.objectContaining({ action: 'wait', missing: ['B'] })]);
    expect(emitted).toEqual([]);
    clock = new Date('2026-12-03T10:01:01Z');
    expect(await conductor({ check: { pipeline: 'late', key: 'obs-9' }, bucket: runtime.s3.bucket })).toEqual([expect.objectContaining({ action: 'expired' })]);
    expect(emitted).toEqual([{ type: 'expired', pipeline: 'late', key: 'obs-9', missing: ['B'], time: '2026-12-03T10:01:01.000Z' }]);
  });
});

describe('putting activity events on EventBridge', () => {
  const fakeEventBridge = (failed: number) => {
    const sent: Array<Array<Record<string, unknown>>> = [];
    const client = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    client.middlewareStack.add(
      (_next) => async (args: { input: unknown }) => {
        const entries = (args.input as { Entries: Array<Record<string, unknown>> }).Entries;
        sent.push(entries);
        const answered = {
          FailedEntryCount: failed,
          Entries: entries.map((_, i) => (i < failed ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' } : { EventId: `e${i}` })),
        };
        return { output: { $metadata: {}, ...answered } as never, response: {} };
      },
      { step: 'initialize', name: 'fakeEventBridge' },
    );
    return { client, sent };
  };
  const events = Array.from({ length: 12 }, (_, i): ActivityEvent => ({ type: 'started', pipeline: 'p', key: `k${i}`, runId: `r${i}`, time: '2026-12-03T10:00:00Z' }));

  it('sends them in batches of at most 10, as orchestra.keyed events with the activity as detail', async () => {
    const { client, sent } = fakeEventBridge(0);
    await eventBridgeEmitter(client)(events);
    expect(sent.map((batch) => batch.length)).toEqual([10, 2]);
    expect(sent[0]?.[0]).toEqual({ Source: 'orchestra.keyed', DetailType: 'Orchestra Keyed Activity', Detail: JSON.stringify(events[0]) });
  });

  it('throws when EventBridge refuses an entry, so the triggering event is delivered again', async () => {
    const { client } = fakeEventBridge(1);
    await expect(eventBridgeEmitter(client)(events.slice(0, 1))).rejects.toThrow('EventBridge refused 1 activity event(s): ThrottlingException: slow down');
  });
});
