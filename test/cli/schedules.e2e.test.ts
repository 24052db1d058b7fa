/** `orchestra schedules` and the runs API show when schedules fire next, from the code that fires them. */
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { startTestRuntime } from '../helpers/local-runtime';

describe('orchestra schedules', () => {
  it("lists the next fires in the JSON the issue names, in the schedule's time zone (a repeated hour fires once)", async () => {
    const result = await cli('schedules', 'nightly-catalogue', '--json', '-n', '2', '--from', '2026-10-24T12:00:00Z');
    expect(result.code).toBe(0);
    // 02:00 in Paris: on 25 October 2026 the clocks go back and 02:00 comes twice; it fires once.
    expect(JSON.parse(result.stdout)).toEqual([
      { pipeline: 'nightly-catalogue', expression: 'cron(0 2 * * ? *)', timezone: 'Europe/Paris', next: ['2026-10-25T00:00:00.000Z', '2026-10-26T01:00:00.000Z'] },
    ]);
  });

  it('prints one line per fire for people', async () => {
    const result = await cli('schedules', '--next', '1', '--from', '2026-12-03T00:00:00Z');
    expect(result.stdout).toContain('nightly-catalogue  cron(0 2 * * ? *)  (Europe/Paris)');
    expect(result.stdout).toContain('2026-12-03T01:00:00.000Z');
  });

  it('refuses a bad --from or --next with what to write', async () => {
    const from = await cli('schedules', '--from', 'yesterday');
    expect(from.code).toBe(2);
    expect(from.stderr).toContain('--from yesterday: expected an ISO 8601 time');
    expect((await cli('schedules', '--next', '0')).stderr).toContain('--next 0: expected a whole number from 1 to 1000');
  });
});

const runtime = await startTestRuntime(['state-machines/nightly-catalogue.graph.json', 'state-machines/flood.graph.json']);
const api = await runtime.serveRunsApi();
afterAll(() => runtime.stop());

describe('the runs API', () => {
  it('gives each scheduled pipeline its schedule and next fire, in the list and the description', async () => {
    const list = (await (await fetch(`${api.url}/pipelines`)).json()) as { pipelines: Array<Record<string, unknown>> };
    const nightly = list.pipelines.find((p) => p['name'] === 'nightly-catalogue');
    expect(nightly?.['schedule']).toEqual({ expression: 'cron(0 2 * * ? *)', timezone: 'Europe/Paris', next: expect.stringMatching(/T0[01]:00:00\.000Z$/) });
    expect(list.pipelines.find((p) => p['name'] === 'flood')).not.toHaveProperty('schedule');
    const described = (await (await fetch(`${api.url}/pipelines/nightly-catalogue`)).json()) as Record<string, unknown>;
    expect(described['schedule']).toEqual(nightly?.['schedule']);
    const schedule = nightly?.['schedule'];
    expect(Date.parse(typeof schedule === 'object' && schedule !== null && 'next' in schedule ? String(schedule.next) : '')).toBeGreaterThan(Date.now());
  });
});
