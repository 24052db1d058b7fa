/**
 * Runs across pipelines, newest first, filtered by the API (pipeline, status, key, start time) and
 * paged 100 at a time — the page never holds more than one page, however many runs there are.
 */
import { useState } from 'preact/hooks';
import { listPipelines, listRuns, type RunFilter, type RunSummary } from '../api';
import { dollarsOf, Problem, runLink, Status, TableHead, usePolled, when } from '../components';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT', 'PENDING_REDRIVE'];

/** The filter in the address (`#/runs?pipeline=&status=&key=&since=`), so a filtered view can be shared. */
export const runsLink = (filter: RunFilter) => {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (typeof value === 'string' && value !== '') query.set(name, value);
  return `#/runs?${query}`;
};

/** A datetime-local value (the viewer's time zone) as ISO 8601, and back. */
const isoOf = (local: string) => (local === '' ? undefined : new Date(local).toISOString());
const localOf = (iso: string | undefined) => {
  if (iso === undefined) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** A choice in a list filters at once; typed fields wait for Filter (or Enter). */
const submitNow = (event: { currentTarget: HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();

/** Uncontrolled fields (the view redraws every second): remounted, by key, when the filter changes. */
function Filters({ filter }: { filter: RunFilter }) {
  const pipelines = usePolled(listPipelines, 'pipelines');
  const go = (next: Partial<RunFilter>) => (location.hash = runsLink({ ...filter, ...next }));
  return (
    <form
      class="filters"
      aria-label="Filter runs"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const field = (name: string) => {
          const value = form.get(name);
          return typeof value === 'string' && value !== '' ? value : undefined;
        };
        go({ pipeline: field('pipeline'), status: field('status'), key: field('key'), since: isoOf(field('since') ?? '') });
      }}
    >
      <label>
        Pipeline{' '}
        <select name="pipeline" onChange={submitNow}>
          <option value="">any</option>
          {(pipelines.value ?? []).map((p) => (
            <option value={p.name} key={p.name} selected={p.name === filter.pipeline}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status{' '}
        <select name="status" onChange={submitNow}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option value={s} key={s} selected={s === filter.status}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Key <input name="key" defaultValue={filter.key ?? ''} placeholder="dataset or observation id" />
      </label>
      <label>
        Since <input name="since" type="datetime-local" defaultValue={localOf(filter.since)} />
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}

/** Remounted (by key, in main.tsx) when the filter changes: its pages start again at the newest. */
export function Runs({ filter }: { filter: RunFilter }) {
  // Tokens of the pages before this one: "Newer" goes back without the API paging backwards.
  const [pages, setPages] = useState<Array<string | undefined>>([undefined]);
  const token = pages.at(-1);
  const filterKey = JSON.stringify(filter);
  const { value, error } = usePolled(
    () => listRuns(filter, token),
    `runs:${filterKey}:${token ?? ''}`,
    // Only the first page moves when runs start or end.
    (change) => token === undefined && change.type === 'run' && (filter.pipeline === undefined || change.pipeline === filter.pipeline),
  );
  const runs = value?.runs ?? [];
  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Runs{filter.pipeline === undefined ? '' : ` of ${filter.pipeline}`}</h2>
      <Filters key={filterKey} filter={filter} />
      <Problem message={error} />
      <table aria-label="Runs">
        <TableHead columns={['Run', 'Pipeline', 'Status', 'Started', 'Stopped', 'Cost on AWS']} />
        <tbody>
          {runs.map((run: RunSummary) => (
            <tr key={`${run.pipeline}/${run.runId}`}>
              <td>
                <a href={runLink(run)}>{run.runId}</a>
              </td>
              <td>{run.pipeline}</td>
              <td>
                <Status status={run.status} />
              </td>
              <td>{when(run.startedAt)}</td>
              <td>{when(run.stoppedAt)}</td>
              <td>{dollarsOf(run.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.length === 0 && value !== undefined ? <p>No runs{Object.values(filter).some((v) => v !== undefined) ? ' match these filters' : ' yet'}.</p> : null}
      <nav class="pager" aria-label="Pages of runs">
        <button type="button" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          Newer
        </button>
        <span>Page {pages.length}</span>
        <button type="button" disabled={value?.nextToken === undefined} onClick={() => setPages([...pages, value?.nextToken])}>
          Older
        </button>
      </nav>
    </section>
  );
}
