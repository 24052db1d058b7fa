/** The pipelines: each with its schedule and next fire, a link to its page and a start button. */
import { listPipelines, type PipelineSummary } from '../api';
import { Problem, pipelineLink, TableHead, usePolled, when } from '../components';

export const startLink = (name: string) => `#/start/${encodeURIComponent(name)}`;

export function Pipelines() {
  const { value, error } = usePolled(listPipelines, 'pipelines');
  return (
    <section aria-labelledby="pipelines-title">
      <h2 id="pipelines-title">Pipelines</h2>
      <Problem message={error} />
      <table>
        <TableHead columns={['Pipeline', 'Schedule', 'Next fire', 'Actions']} />
        <tbody>
          {(value ?? []).map((pipeline: PipelineSummary) => (
            <tr key={pipeline.name}>
              <td>
                <a href={pipelineLink(pipeline.name)}>{pipeline.name}</a>
              </td>
              <td>{pipeline.schedule === undefined ? '—' : `${pipeline.schedule.expression} (${pipeline.schedule.timezone})`}</td>
              <td>{when(pipeline.schedule?.next)}</td>
              <td>
                <button type="button" onClick={() => (location.hash = startLink(pipeline.name))} aria-label={`Start a run of ${pipeline.name}`}>
                  Start…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
