/** `forEach` in the compiler: the Map states it emits (valid ASL), the graph checks, and the AWS limits counted per item. */
import { describe, expect, it } from 'vitest';
import { compileGraph, MAX_HISTORY_EVENTS, walkStates } from '../../lib/compiler';
import { CONTAINER_ENV } from '../../lib/contract/environment';
import { PLACEHOLDERS, ref } from '../../lib/contract/placeholders';
import { validateGraphText } from '../../lib/graph';
import type { PipelineGraph, Step } from '../../lib/graph/schema';
import { aslErrors } from '../helpers/asl';
import { ROOT } from '../helpers/root';

const graph = (each: Partial<Step> & Record<string, unknown>, extra: Record<string, Step> = {}): PipelineGraph => ({
  name: 'tiles',
  steps: {
    list: { kind: 'simulate', output: { tiles: [1, 2, 3] } },
    each: { kind: 'simulate', dependsOn: ['list'], forEach: { from: 'list', items: 'tiles' }, ...each } as Step,
    ...extra,
  },
});
const stateNamed = (compiled: ReturnType<typeof compileGraph>, name: string) => [...walkStates(compiled.definition)].find((visited) => visited.name === name)?.state;

describe('the Map a forEach step compiles to', () => {
  it('is an inline Map over the array, each item running the Task with its retries, the item beside input and the other dependencies', () => {
    const compiled = compileGraph(
      graph({ dependsOn: ['list', 'calibration'], forEach: { from: 'list', items: 'tiles', maxConcurrency: 3 }, retry: { maxAttempts: 4 } }, { calibration: { kind: 'simulate' } }),
    );
    expect(aslErrors(compiled)).toEqual([]);
    const map = stateNamed(compiled, 'each');
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.steps.list.tiles',
      // Not the list's own step: each item gets its item, not the whole list again.
      // The run's id travels in the item: inside a Distributed Map, $$.Execution.Name is the item's child execution (issue 30).
      ItemSelector: {
        'input.$': '$.input',
        steps: { 'calibration.$': '$.steps.calibration' },
        'item.$': '$$.Map.Item.Value',
        'itemIndex.$': '$$.Map.Item.Index',
        'runId.$': '$$.Execution.Name',
      },
      MaxConcurrency: 3,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'each: item' },
      ResultPath: '$.steps.each',
    });
    expect(map).not.toHaveProperty('Retry');
    expect(JSON.stringify(map?.Type === 'Map' ? map.ItemSelector : undefined)).not.toContain('list');
    expect(stateNamed(compiled, 'each: item')).toMatchObject({
      Type: 'Task',
      Parameters: { step: 'each', 'runId.$': '$.runId', 'item.$': '$.item', 'itemIndex.$': '$.itemIndex', dependencies: { 'calibration.$': '$.steps.calibration' } },
      Retry: [
        { ErrorEquals: ['Orchestra.Permanent'], MaxAttempts: 0 },
        { ErrorEquals: ['States.ALL'], MaxAttempts: 3 },
      ],
      End: true,
    });
  });

  it("is a Distributed Map over a list in S3, writing its results to the step's folder, tolerating the failures asked", () => {
    const compiled = compileGraph(graph({ forEach: { from: 'list', manifest: 'tiles', toleratedFailurePercentage: 3 } }));
    expect(aslErrors(compiled)).toEqual([]);
    expect(stateNamed(compiled, 'each')).toMatchObject({
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { 'Bucket.$': '$.steps.list.tiles.bucket', 'Key.$': '$.steps.list.tiles.key' },
      },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      ToleratedFailurePercentage: 3,
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { Bucket: ref(PLACEHOLDERS.dataBucket), 'Prefix.$': "States.Format('runs/tiles/{}/each/results',$$.Execution.Name)" },
      },
      ResultSelector: { 'mapRunArn.$': '$.MapRunArn', 'results.$': '$.ResultWriterDetails' },
    });
  });

  it('gives a container item its item, index and its own output folder', () => {
    const compiled = compileGraph(graph({ kind: 'container', image: 'registry.example.org/tiler:1', forEach: { from: 'list', items: 'tiles' } }));
    const task = stateNamed(compiled, 'each: item');
    const environment = JSON.stringify(task?.Type === 'Task' ? task.Parameters : undefined);
    expect(environment).toContain(`{"Name":"${CONTAINER_ENV.item}","Value.$":"States.JsonToString($.item)"}`);
    expect(environment).toContain(`"Value.$":"States.Format('runs/tiles/{}/each/items/{}/',$.runId,$.itemIndex)"`);
    expect(environment).toContain(`{"Name":"${CONTAINER_ENV.runId}","Value.$":"$.runId"}`);
    expect(environment).not.toContain('$$.Execution.Name');
  });
});

describe('forEach checks', () => {
  const issuesOf = (each: Record<string, unknown>) =>
    (validateGraphText(JSON.stringify(graph(each as Partial<Step>)), { rootDir: ROOT }).issues ?? []).map((i) => `${i.path}: ${i.message}`);

  it.each([
    [{ dependsOn: [], forEach: { from: 'list', items: 'tiles' } }, 'steps.each.forEach.from: "list" is not in this step\'s dependsOn'],
    [{ forEach: { from: 'list', items: 'tiles', manifest: 'list' } }, 'steps.each.forEach: both "items" and "manifest" are given'],
    [{ forEach: { from: 'list' } }, 'steps.each.forEach: neither "items" nor "manifest" is given'],
    [
      { forEach: { from: 'list', items: 'tiles', toleratedFailurePercentage: 5 } },
      'steps.each.forEach.toleratedFailurePercentage: Step Functions tolerates item failures only in a Distributed Map',
    ],
    [{ forEach: { from: 'list', items: '$.tiles' } }, 'steps.each.forEach.items: a field of the result'],
  ])('%j is refused: %s', (each, expected) => {
    expect(issuesOf(each).some((line) => line.startsWith(expected))).toBe(true);
  });
});

describe('AWS limits, counted per item', () => {
  it("counts an inline Map's items in the run's history, and refuses more than 25,000 events", () => {
    const small = compileGraph(graph({ forEach: { from: 'list', items: 'tiles', maxItems: 1000 } }));
    const big = compileGraph(graph({ forEach: { from: 'list', items: 'tiles', maxItems: 4000 } }));
    expect(big.stats.historyEventsPerRun - small.stats.historyEventsPerRun).toBe(3000 * 7);
    expect(big.stats.transitionsPerRun - small.stats.transitionsPerRun).toBe(3000);
    expect(
      big.issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.message)
        .join('\n'),
    ).toMatch(/history events; AWS allows 25,000/);
  });

  it('refuses an inline Map whose results could not fit in the run state, pointing to a manifest', () => {
    const compiled = compileGraph(graph({ kind: 'lambda', handler: 'functions/simulate-step/index.ts', forEach: { from: 'list', items: 'tiles', maxItems: 1000 } }));
    const error = compiled.issues.find((i) => i.severity === 'error');
    expect(error?.message).toMatch(/^the output is 1,025,002 bytes/);
    expect(error?.fix).toContain('give the list as a "manifest" in S3');
  });

  it("keeps a Distributed Map's history the same whatever the number of items: they run as child executions", () => {
    const few = compileGraph(graph({ forEach: { from: 'list', manifest: 'tiles', maxItems: 10 } }));
    const many = compileGraph(graph({ forEach: { from: 'list', manifest: 'tiles', maxItems: 10_000_000 } }));
    expect(many.stats.historyEventsPerRun).toBe(few.stats.historyEventsPerRun);
    expect(many.stats.historyEventsPerRun).toBeLessThan(MAX_HISTORY_EVENTS);
    expect(many.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});
