/**
 * The Orchestra console: pipelines, runs and a run's steps, from the runs API of `orchestra up` (or of
 * a deployed stack, through `orchestra console`). Hash routes (`#/runs/<pipeline>/<run id>`) so the
 * page never shadows an API path. Views refresh every second while open.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  cancelRun,
  getLogs,
  getPipeline,
  getRun,
  listPipelines,
  listRuns,
  type PipelineShape,
  type PipelineSummary,
  type RunDetail,
  type RunSummary,
  redriveRun,
  startRun,
} from './api';
import { RunGraph } from './run-graph';

const REFRESH_MS = 1000;

/** Loads with `load` now and every second, keeping the last answer and the last error. */
function usePolled<T>(load: () => Promise<T>, key: string): { value: T | undefined; error: string | undefined } {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const tick = async () => {
      try {
        const next = await load();
        if (!live) return;
        setValue(next);
        setError(undefined);
      } catch (failure) {
        if (live) setError(failure instanceof Error ? failure.message : String(failure));
      }
    };
    void tick();
    const timer = setInterval(tick, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key]);
  return { value, error };
}

function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th scope="col" key={column}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

const Status = ({ status }: { status: string }) => <span class={`status status-${status}`}>{status}</span>;
const when = (iso: string | undefined) => (iso === undefined ? '' : new Date(iso).toLocaleString());
const runLink = (run: { pipeline: string; runId: string }) => `#/runs/${encodeURIComponent(run.pipeline)}/${encodeURIComponent(run.runId)}`;

function Problem({ message }: { message: string | undefined }) {
  return message === undefined ? null : (
    <p role="alert" class="error">
      {message}
    </p>
  );
}

function Pipelines() {
  const { value, error } = usePolled(listPipelines, 'pipelines');
  const [refused, setRefused] = useState<string | undefined>(undefined);
  const start = async (name: string) => {
    if (!window.confirm(`Start a run of ${name}?`)) return;
    try {
      location.hash = runLink(await startRun(name));
    } catch (failure) {
      setRefused(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <section aria-labelledby="pipelines-title">
      <h2 id="pipelines-title">Pipelines</h2>
      <Problem message={error ?? refused} />
      <table>
        <TableHead columns={['Pipeline', 'Schedule', 'Next fire', 'Actions']} />
        <tbody>
          {(value ?? []).map((pipeline: PipelineSummary) => (
            <tr key={pipeline.name}>
              <td>
                <a href={`#/runs?pipeline=${encodeURIComponent(pipeline.name)}`}>{pipeline.name}</a>
              </td>
              <td>{pipeline.schedule === undefined ? '—' : `${pipeline.schedule.expression} (${pipeline.schedule.timezone})`}</td>
              <td>{when(pipeline.schedule?.next)}</td>
              <td>
                <button type="button" onClick={() => void start(pipeline.name)} aria-label={`Start a run of ${pipeline.name}`}>
                  Start
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface RunFilter {
  readonly pipeline?: string | undefined;
  readonly status?: string | undefined;
  /** A dataset, observation or other key (`?key=` in the address; runs are named after what started them). Not `key`: Preact keeps that prop. */
  readonly match?: string | undefined;
}

function Runs({ pipeline, status, match }: RunFilter) {
  const { value, error } = usePolled(() => listRuns(pipeline), `runs:${pipeline ?? ''}`);
  const runs = (value ?? []).filter((run: RunSummary) => (status === undefined || run.status === status) && (match === undefined || run.runId.includes(match)));
  const filter = (next: RunFilter) => {
    const query = new URLSearchParams();
    const chosen = { pipeline, status, match, ...next };
    for (const [name, value] of [
      ['pipeline', chosen.pipeline],
      ['status', chosen.status],
      ['key', chosen.match],
    ] as const)
      if (value) query.set(name, value);
    location.hash = `#/runs?${query}`;
  };
  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Runs{pipeline === undefined ? '' : ` of ${pipeline}`}</h2>
      <div class="filters">
        <label>
          Status{' '}
          <select value={status ?? ''} onChange={(event) => filter({ status: event.currentTarget.value || undefined })}>
            <option value="">any</option>
            {['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'].map((s) => (
              <option value={s} key={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <form
          aria-label="Filter runs by key"
          onSubmit={(event) => {
            event.preventDefault();
            const value = new FormData(event.currentTarget).get('key');
            filter({ match: typeof value === 'string' && value !== '' ? value : undefined });
          }}
        >
          <label>
            Key <input name="key" defaultValue={match ?? ''} placeholder="dataset or observation id" />
          </label>{' '}
          <button type="submit">Filter</button>
        </form>
        {pipeline === undefined ? null : (
          <button type="button" onClick={() => filter({ pipeline: undefined })}>
            All pipelines
          </button>
        )}
      </div>
      <Problem message={error} />
      <table>
        <TableHead columns={['Run', 'Pipeline', 'Status', 'Started', 'Stopped']} />
        <tbody>
          {runs.map((run) => (
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
            </tr>
          ))}
        </tbody>
      </table>
      {runs.length === 0 && value !== undefined ? <p>No runs yet.</p> : null}
    </section>
  );
}

/** A step's log lines (all of the run's when no step is chosen), following new lines while open. */
function Logs({ pipeline, runId, step }: { pipeline: string; runId: string; step: string | undefined }) {
  const { value, error } = usePolled(() => getLogs(pipeline, runId), `logs:${pipeline}/${runId}`);
  const lines = (value ?? []).filter((line) => step === undefined || line.step === step);
  return (
    <section aria-labelledby="logs-title">
      <h3 id="logs-title">Logs{step === undefined ? '' : ` of ${step}`}</h3>
      <Problem message={error} />
      <pre class="logs" aria-live="polite">
        {lines.map((line) => `${line.time.slice(11, 23)} ${line.step === undefined ? '' : `[${line.step}] `}${line.message}`).join('\n')}
      </pre>
    </section>
  );
}

function Run({ pipeline, runId }: { pipeline: string; runId: string }) {
  const { value: run, error } = usePolled<RunDetail>(() => getRun(pipeline, runId), `run:${pipeline}/${runId}`);
  const [shape, setShape] = useState<PipelineShape | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [refused, setRefused] = useState<string | undefined>(undefined);
  useEffect(() => {
    void getPipeline(pipeline).then(setShape, (failure: unknown) => setRefused(failure instanceof Error ? failure.message : String(failure)));
  }, [pipeline]);
  const act = async (what: string, action: () => Promise<void>) => {
    if (!window.confirm(`${what} run ${runId}?`)) return;
    try {
      setRefused(undefined);
      await action();
    } catch (failure) {
      setRefused(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <section aria-labelledby="run-title">
      <h2 id="run-title">
        Run {runId} of <a href={`#/runs?pipeline=${encodeURIComponent(pipeline)}`}>{pipeline}</a> {run === undefined ? null : <Status status={run.status} />}
      </h2>
      <Problem message={error ?? refused} />
      {run?.status === 'RUNNING' ? (
        <button type="button" onClick={() => void act('Cancel', () => cancelRun(pipeline, runId))}>
          Cancel run
        </button>
      ) : null}
      {run !== undefined && ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(run.status) ? (
        <button type="button" onClick={() => void act('Redrive', () => redriveRun(pipeline, runId))}>
          Redrive run
        </button>
      ) : null}
      {shape === undefined || run === undefined ? null : <RunGraph shape={shape} steps={run.steps} onSelect={setSelected} />}
      {run?.error === undefined ? null : <p class="error">{`${run.error}: ${run.cause ?? ''}`}</p>}
      <table aria-label="Steps">
        <TableHead columns={['Step', 'Status', 'Attempts', 'Error']} />
        <tbody>
          {Object.entries(run?.steps ?? {}).map(([id, step]) => (
            <tr key={id} data-step={id}>
              <td>
                <button type="button" class="link" onClick={() => setSelected(id)} aria-pressed={selected === id}>
                  {id}
                </button>
              </td>
              <td>
                <Status status={step.status} />
              </td>
              <td>{step.attempts}</td>
              <td class="error">{step.error === undefined ? '' : `${step.error}: ${step.cause ?? ''}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Logs pipeline={pipeline} runId={runId} step={selected} />
    </section>
  );
}

function route(hash: string) {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const run = /^\/runs\/([^/]+)\/([^/]+)$/.exec(path);
  if (run !== null) return <Run pipeline={decodeURIComponent(run[1] ?? '')} runId={decodeURIComponent(run[2] ?? '')} />;
  if (path === '/runs') return <Runs pipeline={params.get('pipeline') ?? undefined} status={params.get('status') ?? undefined} match={params.get('key') ?? undefined} />;
  return (
    <>
      <Pipelines />
      <Runs />
    </>
  );
}

function App() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return (
    <>
      <header>
        <h1>Orchestra</h1>
        <nav aria-label="Sections">
          <a href="#/">Pipelines</a> · <a href="#/runs">Runs</a>
        </nav>
      </header>
      <main>{route(hash)}</main>
    </>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
