/**
 * A run's steps as a graph: laid out by elkjs (the Eclipse Layout Kernel's layered algorithm, not a
 * layout of our own), drawn as SVG, each step's box coloured and labelled with its status.
 */

import { useEffect, useState } from 'preact/hooks';
import { type GraphLayout, graphLayoutOf, layoutInputOf } from '../../lib/contract/graph-layout';
import type { PipelineAnswer, StepOutcome } from './api';
import { duration } from './components';

type Laid = GraphLayout;

/**
 * elkjs (1.4 MB) runs in a Web Worker, started on the first graph without a built layout: a big
 * layout takes seconds, and the page must keep scrolling, answering keys and drawing live changes meanwhile.
 */
let elk: Promise<InstanceType<typeof import('elkjs/lib/elk-api.js').default>> | undefined;

/** Layouts by pipeline shape: runs of one pipeline share it, so moving between them lays out once. */
const layouts = new Map<string, Promise<Laid>>();
const KEPT_LAYOUTS = 20;

function layOutOnce(key: string, shape: PipelineAnswer): Promise<Laid> {
  const known = layouts.get(key);
  if (known !== undefined) return known;
  const laid = layOut(shape);
  layouts.set(key, laid);
  laid.catch(() => layouts.delete(key));
  // The oldest first: a Map iterates in insertion order.
  for (const old of layouts.keys()) if (layouts.size > KEPT_LAYOUTS) layouts.delete(old);
  return laid;
}

export async function layOut(shape: PipelineAnswer): Promise<Laid> {
  elk ??= Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?url')]).then(([{ default: ELK }, { default: workerUrl }]) => new ELK({ workerUrl }));
  const engine = await elk;
  // Named so the browser bench (bench/console.ts) can read how long layouts take.
  performance.mark('orchestra:layout-start');
  const graph = await engine.layout(layoutInputOf(shape.steps));
  performance.measure('orchestra:layout', 'orchestra:layout-start');
  return graphLayoutOf(graph);
}

const FILL: Readonly<Record<string, string>> = {
  SUCCEEDED: '#d5f2dc',
  RUNNING: '#dbe8ff',
  RETRYING: '#dbe8ff',
  FAILED: '#fbdcdc',
  ABORTED: '#ececec',
  SKIPPED: '#ececec',
  PENDING: '#ffffff',
};

/** A step's box: its name and, below, its status and duration (a run) or its kind (a pipeline). */
function NodeBox({ id, caption, width, height, fill }: { id: string; caption: string; width: number; height: number; fill: string }) {
  return (
    <>
      <rect width={width} height={height} rx="6" fill={fill} stroke="#6b7684" />
      <text x="10" y="18" font-size="13" font-weight="600">
        {id}
      </text>
      <text x="10" y="35" font-size="11">
        {caption}
      </text>
    </>
  );
}

/** A run's graph (each step's status and duration), or, without `steps`, a pipeline's (each step's kind). */
export function RunGraph({ shape, steps, onSelect }: { shape: PipelineAnswer; steps?: Readonly<Record<string, StepOutcome>>; onSelect?: (step: string) => void }) {
  const [laid, setLaid] = useState<Laid | undefined>(undefined);
  const key = JSON.stringify(shape.steps);
  useEffect(() => {
    let live = true;
    // Built with the pipeline (orchestra build) and served with it: only painted. Else laid out here.
    if (shape.layout !== undefined) setLaid(shape.layout);
    else void layOutOnce(key, shape).then((result) => live && setLaid(result));
    return () => {
      live = false;
    };
  }, [key]);
  if (laid === undefined) return <p>Laying out the graph…</p>;
  return (
    <svg role="img" aria-label={`Graph of ${shape.name}: ${Object.keys(shape.steps).length} steps`} width={laid.width} height={laid.height} class="run-graph">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#6b7684" />
        </marker>
      </defs>
      {laid.edges.map((edge) => (
        // SVG reads "x1,y1 x2,y2 …" as readily as "x1 y1 x2 y2 …": the flat list as it comes.
        <polyline key={edge.id} points={edge.points.join(' ')} fill="none" stroke="#6b7684" marker-end="url(#arrow)" />
      ))}
      {laid.nodes.map((node) => {
        const step = steps?.[node.id];
        const status = step?.status ?? 'PENDING';
        const caption =
          steps === undefined ? (shape.steps[node.id]?.kind ?? '') : step?.startedAt === undefined ? status : `${status} · ${duration(step.startedAt, step.stoppedAt)}`;
        const box = <NodeBox id={node.id} caption={caption} width={node.width} height={node.height} fill={steps === undefined ? '#fff' : (FILL[status] ?? '#fff')} />;
        if (onSelect === undefined)
          return (
            <g key={node.id} transform={`translate(${node.x},${node.y})`} data-step={node.id}>
              <title>{`${node.id}: ${caption}`}</title>
              {box}
            </g>
          );
        return (
          // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; it gets the role, a name and the keyboard (lower-case tabindex: SVG attributes are case-sensitive).
          <g
            key={node.id}
            transform={`translate(${node.x},${node.y})`}
            role="button"
            tabindex={0}
            aria-label={`${node.id}: ${status}`}
            data-step={node.id}
            data-status={status}
            onClick={() => onSelect(node.id)}
            onKeyDown={(event) => (event.key === 'Enter' || event.key === ' ') && onSelect(node.id)}
          >
            {box}
          </g>
        );
      })}
    </svg>
  );
}
