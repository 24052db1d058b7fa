/**
 * The Orchestra console: pipelines, runs, a run, keys — from the runs API of `orchestra up` (or of a
 * deployed stack, through `orchestra console`). Hash routes (`#/runs/<pipeline>/<run id>`) so the page
 * never shadows an API path. Views redraw on the live run-change stream where there is one, and poll.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Keys } from './views/keys';
import { Pipeline } from './views/pipeline';
import { Pipelines } from './views/pipelines';
import { Run } from './views/run';
import { Runs } from './views/runs';
import { Start } from './views/start';

/** A path part as typed: a malformed escape (a hand-edited address) is kept as written, not a crash. */
const decoded = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

function route(hash: string) {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const param = (name: string) => params.get(name) ?? undefined;
  const parts = path.split('/').slice(1).map(decoded);
  const [section, first, second] = parts;
  if (section === 'runs' && first !== undefined && second !== undefined) return <Run pipeline={first} runId={second} />;
  if (section === 'runs') {
    const filter = { pipeline: param('pipeline'), status: param('status'), key: param('key'), since: param('since') };
    return <Runs key={JSON.stringify(filter)} filter={filter} />;
  }
  if (section === 'pipelines' && first !== undefined) return <Pipeline name={first} />;
  if (section === 'start' && first !== undefined) return <Start pipeline={first} />;
  if (section === 'keys') return <Keys name={param('key')} />;
  return (
    <>
      <Pipelines />
      <Runs filter={{}} />
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
          <a href="#/">Pipelines</a> · <a href="#/runs">Runs</a> · <a href="#/keys">Keys</a>
        </nav>
      </header>
      <main>{route(hash)}</main>
    </>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
