/** GET /runs merges the pages of several state machines: each run exactly once, newest first, whatever the page sizes. */
import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { listAllRuns, type RunsToken } from '../../functions/runs-api/all-runs';
import { fakeSfn } from '../helpers/fake-sfn';

const at = (second: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, second));
const machine = (name: string) => `arn:aws:states:us-east-1:1:stateMachine:${name}`;
const runs: Record<string, ExecutionListItem[]> = {
  a: [9, 7, 5, 3, 1].map((s) => ({ name: `a${s}`, startDate: at(s), status: 'SUCCEEDED', executionArn: `a${s}`, stateMachineArn: machine('a') })),
  b: [8, 7, 2].map((s) => ({ name: `b${s}`, startDate: at(s), status: 'FAILED', executionArn: `b${s}`, stateMachineArn: machine('b') })),
};

/** Step Functions answering two executions a page. */
const sfn = () =>
  fakeSfn((_command, input) => {
    const all = runs[String(input['stateMachineArn']).split(':').pop() ?? ''] ?? [];
    const from = input['nextToken'] === undefined ? 0 : Number(input['nextToken']);
    return { executions: all.slice(from, from + 2), ...(from + 2 < all.length ? { nextToken: String(from + 2) } : {}) };
  }).sfn;

describe('runs across pipelines', () => {
  it.each([1, 2, 3, 7])('pages with limit %i return every run once, newest first (ties by pipeline)', async (limit) => {
    const client = sfn();
    const seen: string[] = [];
    let token: RunsToken | undefined;
    for (let page = 0; page < 20; page++) {
      const answer = await listAllRuns(client, {
        pipelines: [
          ['a', machine('a')],
          ['b', machine('b')],
        ],
        limit,
        ...(token === undefined ? {} : { token }),
      });
      seen.push(...answer.runs.map((r) => r.runId));
      if (answer.nextToken === undefined) break;
      token = JSON.parse(Buffer.from(answer.nextToken, 'base64url').toString('utf8')) as RunsToken;
    }

    expect(seen).toEqual(['a9', 'b8', 'a7', 'b7', 'a5', 'a3', 'b2', 'a1']);
  });

  it('filters by start time and status as Step Functions is asked', async () => {
    const { sfn: client, sent } = fakeSfn(() => ({ executions: runs['b'] }));

    const answer = await listAllRuns(client, { pipelines: [['b', machine('b')]], status: 'FAILED', since: at(5), limit: 10 });

    expect(answer.runs.map((r) => r.runId)).toEqual(['b8', 'b7']);
    expect(answer.nextToken).toBeUndefined();
    expect(sent[0]?.input).toMatchObject({ statusFilter: 'FAILED' });
  });

  it('filters by key exactly, describing only the runs whose names fit the key (it matched substrings and described every run: issue 29, item 3)', async () => {
    const items: ExecutionListItem[] = [
      { name: 'obs-42-0123456789abcdef', startDate: at(9), status: 'SUCCEEDED', executionArn: 'keyed', stateMachineArn: machine('a') },
      { name: 'obs-420-0123456789abcdef', startDate: at(8), status: 'SUCCEEDED', executionArn: 'longer', stateMachineArn: machine('a') },
      { name: 'obs-42-night', startDate: at(7), status: 'SUCCEEDED', executionArn: 'caller-named', stateMachineArn: machine('a') },
      { name: 'obs-42-fedcba9876543210', startDate: at(6), status: 'SUCCEEDED', executionArn: 'same-stem', stateMachineArn: machine('a') },
      { name: 'r5', startDate: at(5), status: 'SUCCEEDED', executionArn: 'unnamed', stateMachineArn: machine('a') },
    ];
    const inputs: Record<string, unknown> = {
      keyed: { key: 'obs-42' },
      longer: { key: 'obs-420' },
      'caller-named': { key: 'obs-42' },
      'same-stem': { key: 'obs:42' },
      unnamed: { key: 'obs-42' },
    };
    const { sfn: client, sent } = fakeSfn((command, input) =>
      command === 'ListExecutionsCommand' ? { executions: items } : { input: JSON.stringify(inputs[String(input['executionArn'])] ?? {}) },
    );

    const answer = await listAllRuns(client, { pipelines: [['a', machine('a')]], startModeOf: () => 'keyed', limit: 10, key: 'obs-42' });

    expect(answer.runs.map((r) => r.runId)).toEqual(['obs-42-0123456789abcdef']);
    expect(sent.filter((s) => s.command === 'DescribeExecutionCommand').map((s) => s.input['executionArn'])).toEqual(['keyed', 'same-stem']);
  });
});
