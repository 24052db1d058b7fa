/** A key (observation id, dataset): per keyed pipeline, what arrived, what is missing, what ran — and a backfill. */

import { useState } from 'preact/hooks';
import { formatUsd } from '../../../lib/contract/prices';
import { type BackfillProgress, getBackfill, getKey, startBackfill } from '../api';
import { messageOf, Problem, runLink, Status, TableHead, usePolled, when } from '../components';

function Backfill({ id }: { id: string }) {
  const { value, error } = usePolled(() => getBackfill(id), `backfill:${id}`);
  return <p role="status">{error ?? (value === undefined ? `Backfill ${id} started.` : `Backfill ${value.id}: ${value.status}, ${value.done} of ${value.total} keys decided.`)}</p>;
}

function Report({ name }: { name: string }) {
  // Polled every second: arrivals are not run changes, and the report should show them as they land.
  const { value, error } = usePolled(() => getKey(name), `key:${name}`);
  const [backfill, setBackfill] = useState<BackfillProgress | undefined>(undefined);
  const [refused, setRefused] = useState<string | undefined>(undefined);
  const run = async () => {
    if (!window.confirm(`Backfill ${name}: decide again for it, starting what is due?`)) return;
    try {
      setRefused(undefined);
      setBackfill(await startBackfill([name]));
    } catch (failure) {
      setRefused(messageOf(failure));
    }
  };
  return (
    <>
      <Problem message={error ?? refused} />
      <button type="button" onClick={() => void run()}>
        Backfill {name}
      </button>
      {backfill === undefined ? null : <Backfill id={backfill.id} />}
      {value?.totalUsd === undefined ? null : <p class="hint">Cost on AWS of its runs: {formatUsd(value.totalUsd)} at their durations (an estimate from their histories).</p>}
      {(value?.pipelines ?? []).map((report) => (
        <section key={report.pipeline} aria-label={`${report.pipeline} for ${name}`}>
          <h3>
            {report.pipeline} <Status status={report.state} />
          </h3>
          <p>
            First seen {when(report.firstSeen)}. Missing: {report.missing.length === 0 ? 'nothing' : report.missing.join(', ')}.
          </p>
          <table aria-label={`Arrived for ${report.pipeline}`}>
            <TableHead columns={['Type', 'Object', 'Arrived']} />
            <tbody>
              {report.arrived.map((item) => (
                <tr key={item.objectKey}>
                  <td>{item.type}</td>
                  <td>
                    <code>{item.objectKey}</code>
                  </td>
                  <td>{when(item.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table aria-label={`Runs of ${report.pipeline} for ${name}`}>
            <TableHead columns={['Run', 'Status', 'Started', 'Cost on AWS']} />
            <tbody>
              {report.runs.map((r) => (
                <tr key={r.runId}>
                  <td>
                    <a href={runLink({ pipeline: report.pipeline, runId: r.runId })}>{r.runId}</a>
                  </td>
                  <td>
                    <Status status={r.status} />
                  </td>
                  <td>{when(r.claimedAt)}</td>
                  <td>{r.costUsd === undefined ? '' : formatUsd(r.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}

export function Keys({ name }: { name: string | undefined }) {
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      <form
        aria-label="Look up a key"
        onSubmit={(event) => {
          event.preventDefault();
          const value = new FormData(event.currentTarget).get('key');
          if (typeof value === 'string' && value.trim() !== '') location.hash = `#/keys?key=${encodeURIComponent(value.trim())}`;
        }}
      >
        <label>
          Key <input name="key" defaultValue={name ?? ''} placeholder="observation id, e.g. obs-001234" />
        </label>{' '}
        <button type="submit">Look up</button>
      </form>
      {name === undefined ? <p>Keyed pipelines start once every required type of a key has arrived: look one up to see where it stands.</p> : <Report key={name} name={name} />}
    </section>
  );
}
