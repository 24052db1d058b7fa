import { readdirSync, readFileSync } from 'node:fs';
import { compileGraph } from '../lib/compiler';
import { chain, randomLayeredDag, simulateGraph } from '../test/helpers/graphs';

const { edges, durationsMs } = randomLayeredDag(1500, 30, 7);
const c = compileGraph(simulateGraph(edges, durationsMs, 'big'));
const t = c.text;
console.log(
  '1500 random',
  c.stats.definitionBytes,
  c.stats.deployedBytesEstimate,
  'payload',
  c.stats.payloadBytesEstimate,
  'states',
  c.stats.states,
  'events',
  c.stats.historyEventsPerRun,
);
console.log(' picks bytes', (t.match(/"[^"]+\.\$": ?"\$(\[\d+\])?\.steps\.[^"]+"/g) ?? []).join('').length, 'drop passes', (t.match(/drop unused/g) ?? []).length / 2);
for (const n of [1000, 5000]) {
  const c2 = compileGraph(simulateGraph(chain(n), {}, 'chain'));
  console.log('chain', n, c2.stats.definitionBytes, 'payload', c2.stats.payloadBytesEstimate, 'states', c2.stats.states, 'events', c2.stats.historyEventsPerRun);
}
const dir = '/work/shared/workflows/wfcommons';
for (const f of readdirSync(dir)) {
  const g = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'));
  const c3 = compileGraph(g);
  console.log(f, Object.keys(g.steps).length, c3.stats.definitionBytes, 'payload', c3.stats.payloadBytesEstimate, 'events', c3.stats.historyEventsPerRun);
}
