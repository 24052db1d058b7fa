/**
 * Airflow export: each DAG file is read back with the machine's python3 (`ast`) and checked against
 * its graph — every task id, every edge and nothing else, the operators, retries and timeouts, the
 * schedule — and `--stack` fills in the deployed names.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../lib/catalogue';
import { exportAirflowDag } from '../../lib/cli/actions/export';
import { airflowSchedule, exportAirflow } from '../../lib/exporters/airflow';
import type { PipelineGraph } from '../../lib/graph/schema';
import { importDiastema } from '../../lib/importers/diastema';
import { ROOT } from '../helpers/local-runtime';

interface DagShape {
  readonly dag: Record<string, string>;
  readonly tasks: Record<string, { operator: string; kwargs: Record<string, unknown> }>;
  readonly edges: Array<[string, string]>;
  readonly imports: string[];
}

interface DagRun {
  readonly doc: string;
  readonly dag: Record<string, string>;
  readonly tasks: Array<{ operator: string; task_id: string; fields: Record<string, unknown> }>;
  readonly variablesRead: string[];
}

/** The DAG file run as Airflow loads it, its templated fields rendered with Jinja2 (dag-run.py). */
function runDag(text: string): DagRun {
  const file = join(mkdtempSync(join(tmpdir(), 'orchestra-dag-')), 'dag.py');
  writeFileSync(file, text);
  return JSON.parse(execFileSync('python3', [join(import.meta.dirname, 'dag-run.py'), file], { encoding: 'utf8' }));
}

function shapeOf(text: string): DagShape {
  const file = join(mkdtempSync(join(tmpdir(), 'orchestra-dag-')), 'dag.py');
  writeFileSync(file, text);
  return JSON.parse(execFileSync('python3', [join(import.meta.dirname, 'dag-shape.py'), file], { encoding: 'utf8' }));
}

const flood = loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json')).graph;
const analysis = importDiastema(JSON.parse(readFileSync(join(ROOT, 'examples', 'diastema', 'analysis.json'), 'utf8'))).graph;
const nightly: PipelineGraph = {
  name: 'nightly',
  trigger: { schedule: 'cron(30 2 ? * MON-FRI *)' },
  defaults: { retry: { maxAttempts: 1 } },
  steps: {
    list: { kind: 'simulate', durationMs: [10, 20] },
    class: { kind: 'simulate', dependsOn: ['list'], onFailure: 'continue' },
    '3d-fit': { kind: 'pipeline', pipeline: 'fitter', dependsOn: ['list'], input: { night: '{runId}' } },
  },
};

describe('orchestra export airflow, read back by Python', () => {
  it.each([
    ['flood (Lambda and container steps)', flood],
    ['an imported analysis (three roots, ordered fan-ins, simulate steps)', analysis],
    ['a scheduled pipeline with a child pipeline and odd step ids', nightly],
  ])('%s: one task per step with its id, one edge per dependency, nothing else', (_name, graph) => {
    if (graph === undefined) throw new Error('no graph');
    const shape = shapeOf(exportAirflow(graph));
    const taskIds = Object.fromEntries(Object.entries(shape.tasks).map(([variable, task]) => [variable, String(task.kwargs['task_id'])]));
    expect(Object.values(taskIds).sort()).toEqual(Object.keys(graph.steps).sort());
    const edges = shape.edges.map(([from, to]) => `${taskIds[from]} >> ${taskIds[to]}`).sort();
    const expected = Object.entries(graph.steps).flatMap(([id, step]) => (step.dependsOn ?? []).map((dep) => `${dep} >> ${id}`));
    expect(edges).toEqual(expected.sort());
    expect(shape.dag['dag_id']).toBe(JSON.stringify(graph.name).replace(/"/g, "'"));
    expect(shape.imports).toContain('airflow.sdk.DAG');
  });

  it('uses the Amazon operators for Lambda and container steps, with retries, timeouts and the step event', () => {
    const { tasks, dag } = shapeOf(exportAirflow(flood));
    expect(tasks['validate_inputs']).toMatchObject({
      operator: 'LambdaInvokeFunctionOperator',
      kwargs: { retries: 2, execution_timeout: 'timedelta(seconds=60)', retry_delay: 'timedelta(seconds=2)', retry_exponential_backoff: true },
    });
    expect(String(tasks['df2d_to_raster']?.kwargs['payload'])).toContain('"run-model": {{ ti.xcom_pull(task_ids="run-model") | tojson }}}');
    expect(tasks['run_model']).toMatchObject({ operator: 'EcsRunTaskOperator', kwargs: { launch_type: 'FARGATE', execution_timeout: 'timedelta(seconds=3600)' } });
    expect(JSON.stringify(tasks['run_model']?.kwargs['overrides'])).toContain('ORCHESTRA_OUTPUT_PREFIX');
    expect(dag).toMatchObject({ schedule: 'None', fail_fast: 'True' });
  });

  it('runs simulate steps as a small Python task and child pipelines as TriggerDagRunOperator; carries the schedule', () => {
    const { tasks, dag } = shapeOf(exportAirflow(nightly));
    expect(tasks['list']).toMatchObject({ operator: 'PythonOperator', kwargs: { python_callable: 'simulate', op_kwargs: { duration_ms: [10, 20], failure_rate: 0 }, retries: 0 } });
    expect(tasks['step_3d_fit']).toMatchObject({ operator: 'TriggerDagRunOperator', kwargs: { trigger_dag_id: 'fitter', wait_for_completion: true } });
    expect(tasks['step_class']?.kwargs['task_id']).toBe('class');
    // onFailure "continue" somewhere: the DAG does not stop at the first failure.
    expect(dag).toMatchObject({ schedule: "'30 2 * * MON-FRI'" });
    expect(dag).not.toHaveProperty('fail_fast');
  });

  it.each([
    ['rate(1 day)', 'timedelta(days=1)'],
    ['rate(15 minutes)', 'timedelta(minutes=15)'],
    ['cron(0 2 * * ? *)', '"0 2 * * *"'],
    ['cron(0 8 ? * 2-6 *)', '"0 8 * * 1-5"'],
    ['cron(0 0 L * ? *)', '"0 0 L * *"'],
  ])('schedule %s → %s', (expression, value) => {
    expect(airflowSchedule(expression).value).toBe(value);
  });

  it('says what a year in the cron expression becomes', () => {
    expect(airflowSchedule('cron(0 0 1 1 ? 2027)').note).toContain('start_date/end_date');
  });

  it.each([
    ['cron(0 2 ? * MON#2 *)', 'UTC', '"0 2 * * MON#2"'],
    ['cron(0 2 ? * 2#2 *)', 'UTC', '"0 2 * * 1#2"'],
    ['cron(0 2 ? * 6L *)', 'UTC', '"0 2 * * 5L"'],
    ['cron(0 2 * * ? *)', 'Europe/Paris', 'CronTriggerTimetable("0 2 * * *", timezone="Europe/Paris")'],
  ])('schedule %s in %s → %s (MON#2 became MON#1 and the zone was dropped: issue 29, item 10)', (expression, timezone, value) => {
    expect(airflowSchedule(expression, timezone).value).toBe(value);
  });

  it('refuses a service step, saying why', () => {
    expect(() => exportAirflow({ name: 's', steps: { call: { kind: 'service', url: 'http://svc/pipeline' } } })).toThrow(/steps\.call is a service step/);
  });
});

describe('orchestra export airflow --stack', () => {
  it("fills in the deployed functions, task definitions, cluster, subnets and bucket from the stack's outputs", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'orchestra-dag-')), 'flood.py');
    const said: string[] = [];
    const code = await exportAirflowDag(
      'flood',
      {
        out,
        stack: 'Orchestra',
        readOutputs: async () => ({
          DataBucketName: 'orchestra-data-123',
          EcsClusterName: 'orchestra-cluster',
          ContainerSubnetIds: 'subnet-a,subnet-b',
          ContainerSecurityGroupId: 'sg-1',
          PipelinefloodStepTargets:
            'validate-inputs=Orchestra-validate,df2d-to-raster=Orchestra-raster,publish-manifest=Orchestra-manifest,run-model=arn:aws:ecs:eu-west-1:1:task-definition/flood:3',
        }),
      },
      { out: (text) => said.push(text), err: (text) => said.push(text) },
    );
    expect(code).toBe(0);
    expect(said.join('\n')).toContain('DAG flood, 4 tasks');
    const { tasks } = shapeOf(readFileSync(out, 'utf8'));
    expect(tasks['validate_inputs']?.kwargs['function_name']).toBe('Orchestra-validate');
    expect(tasks['run_model']?.kwargs).toMatchObject({
      cluster: 'orchestra-cluster',
      task_definition: 'arn:aws:ecs:eu-west-1:1:task-definition/flood:3',
      network_configuration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'] } },
    });
    expect(JSON.stringify(tasks['run_model']?.kwargs['overrides'])).toContain('orchestra-data-123');
  });
});

describe('orchestra export airflow, with data Airflow must not read as code (issue 29, item 10)', () => {
  const hostile = '{{ var.value.secret }} and {% if %} and {# not a comment';
  const graph: PipelineGraph = {
    name: 'hostile',
    description: 'Reads C:\\Users\\lab\\new, a NUL \u0000 here, """ quotes, \u00e9t\u00e9 and \u{1F30A}',
    trigger: { schedule: 'cron(0 2 ? * MON#2 *)', timezone: 'Europe/Paris' },
    steps: {
      simulate: { kind: 'simulate', description: 'line one\nline two \u0000 \\x', output: { note: hostile } },
      PythonOperator: { kind: 'lambda', handler: 'functions/x.ts', dependsOn: ['simulate'], parameters: { q: hostile, n: 1 } },
      model: { kind: 'container', image: 'x', dependsOn: ['PythonOperator'], parameters: { q: hostile } },
      child: { kind: 'pipeline', pipeline: 'other', dependsOn: ['model'], input: { q: hostile, list: [hostile] } },
    },
  };
  const run = runDag(exportAirflow(graph));
  const task = (id: string) => run.tasks.find((t) => t.task_id === id)?.fields ?? {};

  it('compiles and loads: the docstring holds the description exactly, step names shadow nothing', () => {
    expect(run.doc).toContain(graph.description);
    expect(run.tasks.map((t) => [t.task_id, t.operator])).toEqual([
      ['simulate', 'PythonOperator'],
      ['PythonOperator', 'LambdaInvokeFunctionOperator'],
      ['model', 'EcsRunTaskOperator'],
      ['child', 'TriggerDagRunOperator'],
    ]);
  });

  it('renders every templated field to the data as written, reading no Airflow Variable', () => {
    expect(run.variablesRead).toEqual([]);
    const payload = JSON.parse(String(task('PythonOperator')['payload']));
    expect(payload).toMatchObject({ pipeline: 'hostile', step: 'PythonOperator', parameters: { q: hostile, n: 1 }, input: { prefix: 'ingest/x/' } });
    expect(payload.dependencies).toEqual({ simulate: { from: 'simulate' } });
    expect(task('simulate')['op_kwargs']).toMatchObject({ output: { note: hostile } });
    const overrides = task('model')['overrides'] as { containerOverrides: Array<{ environment: Array<{ name: string; value: string }> }> };
    const environment = overrides.containerOverrides[0]?.environment ?? [];
    expect(JSON.parse(environment.find((variable) => variable.name === 'ORCHESTRA_PARAMETERS')?.value ?? '{}')).toEqual({ q: hostile });
    expect(task('child')['conf']).toMatchObject({ q: hostile, list: [hostile], parent: { runId: 'manual__2026-12-07' } });
  });

  it('keeps the schedule in its time zone and its nth weekday', () => {
    expect(run.dag['schedule']).toBe("CronTriggerTimetable('0 2 * * MON#2', timezone='Europe/Paris')");
  });
});
