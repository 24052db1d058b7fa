/** One pipeline: what starts it, its steps and graph, its recent runs. */
import { useEffect, useState } from 'preact/hooks';
import { getPipeline, listRuns, type PipelineAnswer } from '../api';
import { messageOf, Problem, runLink, Status, TableHead, usePolled, when } from '../components';
import { RunGraph } from '../run-graph';
import { startLink } from './pipelines';

function Trigger({ shape }: { shape: PipelineAnswer }) {
  const { trigger, schedule } = shape;
  if (trigger === undefined) return <p>Started through the API or this page only.</p>;
  return (
    <dl class="facts">
      {trigger.ingestPrefix === undefined ? null : (
        <>
          <dt>Uploads to</dt>
          <dd>
            <code>{trigger.ingestPrefix}</code> ({trigger.mode ?? 'file'} mode)
          </dd>
        </>
      )}
      {trigger.requiredFiles === undefined || trigger.requiredFiles.length === 0 ? null : (
        <>
          <dt>Needs</dt>
          <dd>{trigger.requiredFiles.join(', ')}</dd>
        </>
      )}
      {trigger.schedule === undefined ? null : (
        <>
          <dt>Schedule</dt>
          <dd>
            {trigger.schedule} ({trigger.timezone ?? 'UTC'}), next {when(schedule?.next)}
          </dd>
        </>
      )}
    </dl>
  );
}

export function Pipeline({ name }: { name: string }) {
  const [shape, setShape] = useState<PipelineAnswer | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  useEffect(() => {
    void getPipeline(name).then(setShape, (failure: unknown) => setProblem(messageOf(failure)));
  }, [name]);
  const recent = usePolled(
    () => listRuns({ pipeline: name }, undefined, 10),
    `recent:${name}`,
    (change) => change.type === 'run' && change.pipeline === name,
  );
  return (
    <section aria-labelledby="pipeline-title">
      <h2 id="pipeline-title">Pipeline {name}</h2>
      <Problem message={problem ?? recent.error} />
      {shape?.description === undefined ? null : <p>{shape.description}</p>}
      <button type="button" onClick={() => (location.hash = startLink(name))}>
        Start a run…
      </button>
      {shape === undefined ? null : (
        <>
          <Trigger shape={shape} />
          <RunGraph shape={shape} />
          <table aria-label="Steps">
            <TableHead columns={['Step', 'Kind', 'After', 'What it does']} />
            <tbody>
              {Object.entries(shape.steps).map(([id, step]) => (
                <tr key={id}>
                  <td>{id}</td>
                  <td>{step.kind}</td>
                  <td>{step.dependsOn.join(', ') || '—'}</td>
                  <td>{step.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Recent runs</h3>
      <table aria-label="Recent runs">
        <TableHead columns={['Run', 'Status', 'Started']} />
        <tbody>
          {(recent.value?.runs ?? []).map((run) => (
            <tr key={run.runId}>
              <td>
                <a href={runLink(run)}>{run.runId}</a>
              </td>
              <td>
                <Status status={run.status} />
              </td>
              <td>{when(run.startedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href={`#/runs?pipeline=${encodeURIComponent(name)}`}>All runs of {name}</a>
      </p>
    </section>
  );
}
