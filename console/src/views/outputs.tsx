/** A run's outputs: each file with its size and a download link; images shown, small text, JSON and CSV previewed. */
import { parse } from 'csv-parse/browser/esm/sync';
import { useEffect, useState } from 'preact/hooks';
import { isStepReport } from '../../../lib/contract/run-outputs';
import { getOutputs, getReports, type RunOutput, type RunOutputsAnswer } from '../api';
import { messageOf, Problem, TableHead, usePolled } from '../components';

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);

/** The first rows of a CSV file (csv-parse's browser build: quoted fields, embedded commas and newlines). */
function csvRows(text: string, limit: number): string[][] {
  try {
    return parse(text, { relax_column_count: true, to: limit, skip_empty_lines: true });
  } catch {
    return text.split('\n', limit).map((line) => [line]);
  }
}

function Preview({ output }: { output: RunOutput }) {
  if (output.contentType.startsWith('image/')) return <img src={output.url} alt={`${output.path} written by ${output.step || 'the run'}`} class="preview-image" loading="lazy" />;
  if (output.preview === undefined) return null;
  if (output.contentType === 'text/csv') {
    const [head = [], ...rows] = csvRows(output.preview, 21);
    return (
      <table class="preview-table" aria-label={`Preview of ${output.path}`}>
        <TableHead columns={head} />
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              {row.map((cell, column) => (
                <td key={column}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  let shown = output.preview;
  if (output.contentType.includes('json'))
    try {
      shown = JSON.stringify(JSON.parse(output.preview), null, 2);
    } catch {
      // Not JSON after all: shown as written.
    }
  return <pre class="preview-text">{shown}</pre>;
}

function OutputList({ outputs, label }: { outputs: readonly RunOutput[]; label: string }) {
  return (
    <ul class="outputs" aria-label={label}>
      {outputs.map((output) => (
        <li key={output.key}>
          <div>
            <strong>{output.step === '' ? output.path : `${output.step}/${output.path}`}</strong> <span class="hint">{size(output.size)}</span>{' '}
            <a href={output.downloadUrl} download={output.path.split('/').at(-1)}>
              Download
            </a>{' '}
            <a href={output.url} target="_blank" rel="noreferrer">
              Open
            </a>
          </div>
          <Preview output={output} />
        </li>
      ))}
    </ul>
  );
}

/**
 * Each step's report (lib/contract/run-outputs.ts): an HTML report in a frame sandboxed with no
 * permission at all (no script, no form, no navigation of the console, its own opaque origin), images
 * as images (an SVG in an <img> runs no script), Markdown as the text it is.
 */
function Reports({ outputs }: { outputs: readonly RunOutput[] }) {
  const reports = outputs.filter((output) => output.unfinished !== true && isStepReport(output));
  const firstPerStep = reports.filter((report, index) => reports.findIndex((other) => other.step === report.step) === index);
  if (firstPerStep.length === 0) return null;
  return (
    <section aria-labelledby="reports-title">
      <h3 id="reports-title">Reports</h3>
      {firstPerStep.map((report) => (
        <figure key={report.key} class="report" data-report={report.step}>
          <figcaption>
            Report of <strong>{report.step}</strong>
          </figcaption>
          {report.path.endsWith('.html') ? (
            <iframe sandbox="" src={report.url} title={`Report of ${report.step}`} class="report-frame" referrerpolicy="no-referrer" />
          ) : report.path.endsWith('.md') ? (
            <pre class="preview-text">{report.preview ?? ''}</pre>
          ) : (
            <img src={report.url} alt={`Report of ${report.step}`} class="preview-image" />
          )}
        </figure>
      ))}
    </section>
  );
}

/**
 * The first page is followed live; further pages are loaded on demand and kept while the run's page is
 * open (a file listed twice, when the first page grew, is shown once).
 */
export function Outputs({ pipeline, runId, status }: { pipeline: string; runId: string; status: string | undefined }) {
  // Listed again when the run's status changes (a step wrote more); the URLs outlive a view by far.
  const { value, error } = usePolled(
    () => getOutputs(pipeline, runId),
    `outputs:${pipeline}/${runId}:${status ?? ''}`,
    (change) => change.runId === runId && change.type === 'step' && change.status === 'SUCCEEDED',
  );
  // A first page that does not hold every file may miss a step's report: those are asked for apart.
  const truncated = value?.nextToken !== undefined;
  const { value: reports } = usePolled(
    () => (truncated ? getReports(pipeline, runId) : Promise.resolve(undefined)),
    `reports:${pipeline}/${runId}:${status ?? ''}:${String(truncated)}`,
    (change) => truncated && change.runId === runId && change.type === 'step' && change.status === 'SUCCEEDED',
  );
  const [later, setLater] = useState<RunOutputsAnswer | undefined>(undefined);
  const [moreError, setMoreError] = useState<string | undefined>(undefined);
  useEffect(() => setLater(undefined), [pipeline, runId]);
  const nextToken = later === undefined ? value?.nextToken : later.nextToken;
  const loadMore = async () => {
    if (nextToken === undefined) return;
    try {
      const page = await getOutputs(pipeline, runId, nextToken);
      setLater((before) => ({ ...page, outputs: [...(before?.outputs ?? []), ...page.outputs] }));
      setMoreError(undefined);
    } catch (failure) {
      setMoreError(messageOf(failure));
    }
  };
  const seen = new Set<string>();
  const outputs = [...(value?.outputs ?? []), ...(later?.outputs ?? [])].filter((output) => !seen.has(output.key) && seen.add(output.key));
  const results = outputs.filter((output) => output.unfinished !== true);
  const unfinished = outputs.filter((output) => output.unfinished === true);
  return (
    <section aria-labelledby="outputs-title">
      <Reports outputs={[...outputs, ...(reports?.outputs ?? []).filter((report) => !seen.has(report.key))]} />
      <h3 id="outputs-title">Outputs</h3>
      <Problem message={error ?? moreError} />
      {value !== undefined && outputs.length === 0 ? <p>No outputs yet.</p> : null}
      <OutputList outputs={results} label="Files the run wrote" />
      {unfinished.length === 0 ? null : (
        <>
          <h4>Left by steps that did not finish</h4>
          <p class="hint">These steps failed, were stopped or are still running: their files may be incomplete.</p>
          <OutputList outputs={unfinished} label="Files of steps that did not finish" />
        </>
      )}
      {nextToken === undefined ? null : (
        <button type="button" onClick={() => void loadMore()}>
          More files ({outputs.length} listed)
        </button>
      )}
    </section>
  );
}
