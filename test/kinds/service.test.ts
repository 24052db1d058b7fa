/** Service steps: what the compiler writes into the Task, and the mistakes validation names. */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../lib/compiler';
import { PLACEHOLDERS, ref } from '../../lib/contract/placeholders';
import { validateGraphText } from '../../lib/graph';
import type { PipelineGraph } from '../../lib/graph/schema';

const keyed = (step: Record<string, unknown>, trigger: Record<string, unknown> = { mode: 'keyed', required: ['A'] }) =>
  JSON.stringify({ name: 'svc', trigger, steps: { call: { kind: 'service', url: 'http://svc:5000/pipeline', ...step } } });
const errorsOf = (text: string) =>
  validateGraphText(text)
    .issues.filter((i) => i.severity === 'error')
    .map(({ path, message }) => ({ path, message }));

describe('a service step, compiled', () => {
  it('invokes the shared function with the body references as paths, the awaited folder and the task token', () => {
    const graph: PipelineGraph = {
      name: 'svc',
      trigger: { mode: 'keyed', required: ['A'], dataPrefix: "odd{'prefix/" },
      steps: { call: { kind: 'service', url: 'http://svc:5000/pipeline', body: { product: 'P', obs_id: '{key}', nested: { run: '{runId}' }, list: [1] }, awaitsDataItem: 'P' } },
    };
    const task = compileGraph(graph).definition.States['call'];
    expect(task).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSeconds: 86_400,
      Parameters: {
        FunctionName: ref(PLACEHOLDERS.serviceCallFunction),
        Payload: {
          service: {
            url: 'http://svc:5000/pipeline',
            body: { product: 'P', 'obs_id.$': '$.input.key', nested: { 'run.$': '$$.Execution.Name' }, list: [1] },
            // States.Format's own syntax characters in the prefix are escaped.
            'awaits.$': "States.Format('odd\\{\\'prefix/P/{}/',$.input.key)",
          },
          'taskToken.$': '$$.Task.Token',
        },
      },
    });
    expect(task).not.toHaveProperty('HeartbeatSeconds');
  });

  it('sends the key and the input manifest by default in keyed pipelines, the run id and input otherwise', () => {
    const body = (graph: PipelineGraph): unknown => JSON.parse(JSON.stringify(compileGraph(graph).definition.States['call'])).Parameters.Payload.service.body;
    expect(body(JSON.parse(keyed({})) as PipelineGraph)).toEqual({ 'key.$': '$.input.key', 'inputs.$': '$.input.inputs' });
    expect(body({ name: 'svc', steps: { call: { kind: 'service', url: 'http://svc/p' } } })).toEqual({ 'runId.$': '$$.Execution.Name', 'input.$': '$.input' });
  });
});

describe('a service step, validated', () => {
  it('accepts a keyed service step', () => {
    expect(errorsOf(keyed({ body: { obs_id: '{key}' }, awaitsDataItem: 'P', heartbeatSeconds: 60 }))).toEqual([]);
  });

  it.each([
    ['a URL that is not http(s)', { url: 'ftp://svc/p' }, undefined, 'steps.call.url', 'http(s) URL'],
    ['an awaited data type that is not one path segment', { awaitsDataItem: 'QPO/ECL' }, undefined, 'steps.call.awaitsDataItem', 'one path segment'],
    ['a body key Step Functions would read as a path', { body: { 'x.$': '$.input' } }, undefined, 'steps.call.body.x.$', 'must not end in ".$"'],
    ['a reference inside a list', { body: { ids: ['{key}'] } }, undefined, 'steps.call.body.ids[0]', 'inside a list would be sent as its text'],
    ['a heartbeat as long as the timeout', { heartbeatSeconds: 60, timeoutSeconds: 60 }, undefined, 'steps.call.heartbeatSeconds', "not shorter than the step's timeout (60 s)"],
    ['awaiting an item without a key', { awaitsDataItem: 'P' }, { ingestPrefix: 'ingest/svc/' }, 'steps.call.awaitsDataItem', 'only keyed pipelines have one'],
    ['{key} without a key', { body: { obs_id: '{key}' } }, { ingestPrefix: 'ingest/svc/' }, 'steps.call.body.obs_id', '"{key}" is only known in keyed pipelines'],
  ])('refuses %s, naming the field', (_, step, trigger, path, message) => {
    expect(errorsOf(keyed(step, trigger))).toEqual([{ path, message: expect.stringContaining(message) }]);
  });
});
