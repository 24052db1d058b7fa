/**
 * Step events typed from the graph (state-machines/<name>.steps.d.ts, written by `orchestra build`):
 * `npm run typecheck` fails if a misspelt dependency type-checks; at run time a typed handler refuses
 * to run as another step.
 */
import { containerStepFor, stepHandlerFor } from 'orchestra';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { withEnvironment } from '../../lib/contract/environment';
import { lambdaContext } from '../../lib/local/task-runners/lambda';

const handler = stepHandlerFor('flood', 'df2d-to-raster', async (event) => {
  // @ts-expect-error a misspelt dependency is not in the graph, so not in the type
  void event.dependencies['run-modle'];
  // A container's result is its result.json: whatever it wrote.
  expectTypeOf(event.dependencies['run-model']).toBeUnknown();
  expectTypeOf(event.dependencies['validate-inputs']).not.toBeUnknown();
  expectTypeOf(event.dependencies['validate-inputs']).toHaveProperty('prefix');
  return { step: event.step };
});

void (() =>
  containerStepFor('flood', 'run-model', async ({ dependencies }) => {
    // @ts-expect-error run-model depends on validate-inputs only
    void dependencies['df2d-to-raster'];
    return dependencies['validate-inputs'].prefix;
  }));

describe('stepHandlerFor', () => {
  it('refuses to run as a step it was not written for, permanently', async () => {
    const event = { pipeline: 'flood', step: 'publish-manifest', runId: 'r', input: { source: 'cli' }, dependencies: {} };

    const run = withEnvironment({ ORCHESTRA_BUCKET: 'data', AWS_REGION: 'us-east-1' }, () =>
      handler(event, lambdaContext({ functionName: 'f', requestId: 'q', timeoutSeconds: 5, memoryMiB: 128 })),
    );

    await expect(run).rejects.toMatchObject({
      name: 'Orchestra.Permanent',
      message: 'this code is written for flood/df2d-to-raster (stepHandlerFor), but the graph runs it as flood/publish-manifest: give that step its own',
    });
  });
});
