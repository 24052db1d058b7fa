/** The container contract read by containerStep: every variable checked, each problem named with its variable. */
import { describe, expect, it } from 'vitest';
import { containerStepContext } from '../../functions/commons/container-step';

const environment = {
  ORCHESTRA_PIPELINE: 'hello',
  ORCHESTRA_STEP: 'count-words',
  ORCHESTRA_RUN_ID: 'run-1',
  ORCHESTRA_BUCKET: 'data',
  ORCHESTRA_OUTPUT_PREFIX: 'runs/hello/run-1/count-words/',
  ORCHESTRA_INPUT: '{"source": "cli", "keys": ["inputs/a.txt"]}',
  ORCHESTRA_DEPENDENCIES: 'list-inputs',
  ORCHESTRA_DEPENDENCY_LISTINPUTS: '{"files": [{"key": "inputs/a.txt"}]}',
  ORCHESTRA_PARAMETERS: '{"language": "en"}',
  AWS_REGION: 'us-east-1',
};

describe('containerStepContext', () => {
  it('reads the run, its input, the dependency results and parameters from the environment ECS and the local runtime give', () => {
    const context = containerStepContext(environment);

    expect({ ...context, s3: undefined }).toEqual({
      pipeline: 'hello',
      step: 'count-words',
      runId: 'run-1',
      bucket: 'data',
      outputPrefix: 'runs/hello/run-1/count-words/',
      input: { source: 'cli', keys: ['inputs/a.txt'] },
      dependencies: { 'list-inputs': { files: [{ key: 'inputs/a.txt' }] } },
      parameters: { language: 'en' },
      s3: undefined,
    });
  });

  it.each([
    [
      'a missing variable',
      { ORCHESTRA_RUN_ID: undefined },
      'Orchestra.Configuration',
      /ORCHESTRA_RUN_ID is not set \(the stack \(ECS task overrides\), or the local runtime, sets it\)/,
    ],
    ['input that is not JSON', { ORCHESTRA_INPUT: '{' }, 'Orchestra.Permanent', /ORCHESTRA_INPUT is not JSON/],
    ['input without a known source', { ORCHESTRA_INPUT: '{"source": "__proto__"}' }, 'Orchestra.Permanent', /ORCHESTRA_INPUT: expected the run input, an object with "source"/],
    ['parameters that are not an object', { ORCHESTRA_PARAMETERS: '[1]' }, 'Orchestra.Permanent', /ORCHESTRA_PARAMETERS: expected an object/],
    ['a dependency result that is not JSON', { ORCHESTRA_DEPENDENCY_LISTINPUTS: 'files' }, 'Orchestra.Permanent', /ORCHESTRA_DEPENDENCY_LISTINPUTS is not JSON/],
  ])('fails on %s with %s, naming the variable', (_, change, name, message) => {
    expect(() => containerStepContext({ ...environment, ...change })).toThrow(expect.objectContaining({ name, message: expect.stringMatching(message) }));
  });
});
