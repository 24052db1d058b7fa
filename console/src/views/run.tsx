/**
 * One run: its graph and steps (status, attempts, duration, errors, live progress), actions (cancel,
 * redrive), its input, its redrive history, its outputs and a chosen step's logs, followed live.
 */
import { useEffect, useState } from 'preact/hooks';
import { invocationText, usageText } from '../../../lib/contract/usage-text';
import { cancelRun, getLogs, getPipeline, getRun, type PipelineAnswer, type RunDetail, redriveRun } from '../api';
import { dollarsOf, duration, messageOf, Problem, pipelineLink, runLink, Status, TableHead, usePolled, when } from '../components';
import { onRunChange } from '../live';
import { RunGraph } from '../run-graph';
import { Outputs } from './outputs';

/** A step's log lines (all of the run's when no step is chosen), following new lines while open. */
function Logs({ pipeline, runId, step }: { pipeline: string; runId: string; step: string | undefined }) {
  const { value, error } = usePolled(
    () => getLogs(pipeline, runId),
    `logs:${pipeline}/${runId}`,
    (change) => change.runId === runId,
  );
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

/** What each invocation of the chosen step used (its attempts; a forEach step's items too), as measured where it ran. */
function Invocations({ run, step }: { run: RunDetail; step: string | undefined }) {
  const outcome = step === undefined ? undefined : run.steps[step];
  const usage = outcome?.usage ?? [];
  if (step === undefined || usage.length === 0) return null;
  return (
    <section aria-labelledby="invocations-title">
      <h3 id="invocations-title">What each invocation of {step} used</h3>
      <table aria-label={`Invocations of ${step}`}>
        <TableHead columns={['Ended', 'Duration', 'Billed', 'CPU', 'Memory', 'Measured by']} />
        <tbody>
          {usage.map((used, index) => {
            const text = invocationText(used);
            return (
              <tr key={index}>
                <td>{when(used.endedAt)}</td>
                <td>{text.duration}</td>
                <td>{text.billed}</td>
                <td>{text.cpu}</td>
                <td>{text.memory}</td>
                <td>{text.basis}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {outcome?.usageOmitted === undefined ? null : <p class="hint">{outcome.usageOmitted} more invocations, not listed.</p>}
    </section>
  );
}

/** Steps' progress (`progress N%` lines) as it streams in; not kept by the API, so live only. */
function useProgress(runId: string): Readonly<Record<string, number>> {
  const [progress, setProgress] = useState<Record<string, number>>({});
  useEffect(
    () =>
      onRunChange((change) => {
        if (change.runId === runId && change.type === 'progress' && change.step !== undefined && change.percent !== undefined)
          setProgress((now) => ({ ...now, [change.step ?? '']: change.percent ?? 0 }));
      }),
    [runId],
  );
  return progress;
}

function Steps({
  run,
  selected,
  onSelect,
  progress,
}: {
  run: RunDetail;
  selected: string | undefined;
  onSelect: (step: string) => void;
  progress: Readonly<Record<string, number>>;
}) {
  return (
    <table aria-label="Steps">
      <TableHead columns={['Step', 'Status', 'Attempts', 'Duration', 'CPU', 'Memory', 'Cost on AWS', 'Error']} />
      <tbody>
        {Object.entries(run.steps).map(([id, step]) => {
          const used = usageText(step.usage);
          return (
            <tr key={id} data-step={id}>
              <td>
                <button type="button" class="link" onClick={() => onSelect(id)} aria-pressed={selected === id}>
                  {id}
                </button>
              </td>
              <td>
                <Status status={step.status} />
                {step.status === 'RUNNING' && progress[id] !== undefined ? <span class="hint"> {progress[id]}%</span> : null}
                {step.reusedFrom === undefined ? null : (
                  <span class="hint" data-reused-from={step.reusedFrom.runId}>
                    {' '}
                    reused from <a href={runLink({ pipeline: run.pipeline, runId: step.reusedFrom.runId })}>{step.reusedFrom.runId}</a>
                  </span>
                )}
              </td>
              <td>{step.attempts}</td>
              <td>{duration(step.startedAt, step.stoppedAt)}</td>
              {/* How each figure was measured (REPORT line, Container Insights, the OS, Orchestra's process) is the cell's title. */}
              <td data-usage="cpu" title={used?.basis}>
                {used?.cpu ?? ''}
              </td>
              <td data-usage="memory" title={used?.basis}>
                {used?.memory ?? ''}
              </td>
              <td>{dollarsOf(run.cost?.steps[id]?.usd)}</td>
              <td class="error">{step.error === undefined ? '' : `${step.error}: ${step.cause ?? ''}`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function Run({ pipeline, runId }: { pipeline: string; runId: string }) {
  const { value: run, error } = usePolled<RunDetail>(
    () => getRun(pipeline, runId),
    `run:${pipeline}/${runId}`,
    (change) => change.runId === runId && change.type !== 'progress',
  );
  const [shape, setShape] = useState<PipelineAnswer | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [refused, setRefused] = useState<string | undefined>(undefined);
  const progress = useProgress(runId);
  useEffect(() => {
    void getPipeline(pipeline).then(setShape, (failure: unknown) => setRefused(messageOf(failure)));
  }, [pipeline]);
  const act = async (what: string, action: () => Promise<void>) => {
    if (!window.confirm(`${what} run ${runId}?`)) return;
    try {
      setRefused(undefined);
      await action();
    } catch (failure) {
      setRefused(messageOf(failure));
    }
  };
  return (
    <section aria-labelledby="run-title">
      <h2 id="run-title">
        Run {runId} of <a href={pipelineLink(pipeline)}>{pipeline}</a> {run === undefined ? null : <Status status={run.status} />}
      </h2>
      {run === undefined ? null : (
        <p class="hint">
          Started {when(run.startedAt)}
          {run.stoppedAt === undefined ? `, running for ${duration(run.startedAt)}` : `, took ${duration(run.startedAt, run.stoppedAt)}`}
          {run.redrivenAt.length === 0 ? '' : `; redriven ${run.redrivenAt.length} time${run.redrivenAt.length === 1 ? '' : 's'}: ${run.redrivenAt.map(when).join(', ')}`}
          {run.cost === undefined
            ? ''
            : `; cost on AWS ${dollarsOf(run.cost.totalUsd)} at these durations (${run.cost.prices.region} prices of ${run.cost.prices.asOf}, an estimate)`}
        </p>
      )}
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
      {/* Laid out as soon as the pipeline's shape is known (it does not depend on the run): the run's history loads meanwhile. */}
      {shape === undefined ? null : <RunGraph shape={shape} steps={run?.steps ?? {}} onSelect={setSelected} />}
      {run?.error === undefined ? null : <p class="error">{`${run.error}: ${run.cause ?? ''}`}</p>}
      {run === undefined ? null : <Steps run={run} selected={selected} onSelect={setSelected} progress={progress} />}
      {/*
        Below the steps, asked for once the run has come: asked for beside it, a big run's outputs and
        thousands of log lines shared the API's one process with it and delayed the steps by a second.
      */}
      {run === undefined ? null : <Outputs pipeline={pipeline} runId={runId} status={run.status} />}
      <details>
        <summary>Input</summary>
        <pre>{JSON.stringify(run?.input ?? {}, null, 2)}</pre>
      </details>
      {run === undefined ? null : <Invocations run={run} step={selected} />}
      {run === undefined ? null : <Logs pipeline={pipeline} runId={runId} step={selected} />}
    </section>
  );
}
