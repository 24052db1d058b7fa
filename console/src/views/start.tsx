/**
 * Start a run: a form built from the start request's schema in the API's OpenAPI document (one field
 * per property, its description as the hint), checked by a dry run first — what would run, with what
 * input, reading which files — and only then started, once confirmed.
 */
import { useEffect, useState } from 'preact/hooks';
import { type DryRun, dryRun, getPipeline, type Json, type PipelineAnswer, problemOf, type RequestField, requestFields, type StartRunRequest, startRun } from '../api';
import { messageOf, Problem, runLink } from '../components';

/** The form's values as a request body, or the problem with the field that is not valid JSON. */
function requestOf(fields: readonly RequestField[], values: Readonly<Record<string, string>>): { request: StartRunRequest } | { problem: string; field: string } {
  const body: Record<string, Json> = {};
  for (const field of fields) {
    const raw = (values[field.name] ?? '').trim();
    if (raw === '') continue;
    if (field.type !== 'object') {
      body[field.name] = raw;
      continue;
    }
    try {
      const parsed: Json = JSON.parse(raw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        return { problem: `${field.name}: a JSON object, such as {"prefix": "ingest/…/"}`, field: `body.${field.name}` };
      body[field.name] = parsed;
    } catch (failure) {
      return { problem: `${field.name}: not valid JSON (${messageOf(failure)})`, field: `body.${field.name}` };
    }
  }
  return { request: body };
}

/**
 * The input a run gets from the pipeline's trigger, to start from: the objects of a per-object pipeline
 * (its steps read input.keys; a prefix made a run that failed at once), the folder of a dataset one,
 * the key of a keyed one; and what to give, said beside the form.
 */
function startingInput(shape: PipelineAnswer | undefined): { readonly input: Json; readonly hint?: string } {
  const trigger = shape?.trigger;
  if (trigger?.mode === 'keyed') return { input: { key: '' }, hint: 'It runs once per key (an observation id): give the key.' };
  if (trigger?.ingestPrefix === undefined) return { input: {} };
  if (trigger.mode === 'dataset')
    return { input: { prefix: trigger.ingestPrefix }, hint: `It runs once per dataset folder under ${trigger.ingestPrefix}: give the folder, ending in "/".` };
  return { input: { keys: [trigger.ingestPrefix] }, hint: `It runs once per object uploaded under ${trigger.ingestPrefix}: give the keys of the objects to process.` };
}

function Verdict({ pipeline, shape, verdict }: { pipeline: string; shape: PipelineAnswer | undefined; verdict: DryRun }) {
  return (
    <section aria-labelledby="dry-run-title" class="verdict">
      <h3 id="dry-run-title">Dry run: ready to start</h3>
      <p>
        {pipeline} would start as <strong>{verdict.runId ?? 'a generated run id'}</strong>, running{' '}
        {shape === undefined ? 'its steps' : `${Object.keys(shape.steps).length} steps: ${Object.keys(shape.steps).join(', ')}`}.
      </p>
      <p>Input ({verdict.inputBytes} bytes of Step Functions' 262,144):</p>
      <pre>{JSON.stringify(verdict.input, null, 2)}</pre>
      {verdict.reads === undefined ? null : (
        <>
          <p>
            It would read {verdict.reads.keys.length} file{verdict.reads.keys.length === 1 ? '' : 's'} from s3://{verdict.reads.bucket}:
          </p>
          <ul>
            {verdict.reads.keys.map((key) => (
              <li key={key}>
                <code>{key}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function Start({ pipeline }: { pipeline: string }) {
  const [fields, setFields] = useState<RequestField[] | undefined>(undefined);
  const [shape, setShape] = useState<PipelineAnswer | undefined>(undefined);
  const [values, setValues] = useState<Record<string, string>>({});
  const [verdict, setVerdict] = useState<DryRun | undefined>(undefined);
  const [problem, setProblem] = useState<{ message: string; field?: string | undefined } | undefined>(undefined);
  useEffect(() => {
    void Promise.all([requestFields('StartRunRequest'), getPipeline(pipeline)]).then(
      ([found, described]) => {
        setFields(found);
        setShape(described);
        setValues({ input: JSON.stringify(startingInput(described).input, null, 2) });
      },
      (failure: unknown) => setProblem({ message: messageOf(failure) }),
    );
  }, [pipeline]);

  const edit = (name: string, value: string) => {
    setValues({ ...values, [name]: value });
    setVerdict(undefined); // a dry run speaks for the values it checked only
  };
  const refused = (failure: unknown) => setProblem(problemOf(failure));
  const checked = () => {
    const parsed = requestOf(fields ?? [], values);
    if ('problem' in parsed) setProblem({ message: parsed.problem, field: parsed.field });
    return 'request' in parsed ? parsed.request : undefined;
  };
  const check = async () => {
    const request = checked();
    if (request === undefined) return;
    try {
      setProblem(undefined);
      setVerdict(await dryRun(pipeline, request));
    } catch (failure) {
      refused(failure);
    }
  };
  const start = async () => {
    const request = checked();
    if (request === undefined || !window.confirm(`Start a run of ${pipeline}?`)) return;
    try {
      location.hash = runLink(await startRun(pipeline, request));
    } catch (failure) {
      refused(failure);
    }
  };
  /** The field a refusal names: `body.input.prefix` → input. */
  const invalid = (name: string) => problem?.field === `body.${name}` || problem?.field?.startsWith(`body.${name}.`) === true;

  return (
    <section aria-labelledby="start-title">
      <h2 id="start-title">Start a run of {pipeline}</h2>
      {startingInput(shape).hint === undefined ? null : <p class="hint">{startingInput(shape).hint}</p>}
      <form
        aria-label={`Start a run of ${pipeline}`}
        onSubmit={(event) => {
          event.preventDefault();
          void check();
        }}
      >
        {(fields ?? []).map((field) => {
          const id = `field-${field.name}`;
          const hint = field.description === undefined ? undefined : `${id}-hint`;
          const common = {
            id,
            name: field.name,
            value: values[field.name] ?? '',
            'aria-invalid': invalid(field.name),
            ...(hint === undefined ? {} : { 'aria-describedby': hint }),
            onInput: (event: { currentTarget: { value: string } }) => edit(field.name, event.currentTarget.value),
          };
          return (
            <div class="field" key={field.name}>
              <label for={id}>{field.name}</label>
              {field.type === 'object' ? <textarea rows={5} spellcheck={false} {...common} /> : <input {...common} />}
              {hint === undefined ? null : (
                <small id={hint} class="hint">
                  {field.description}
                </small>
              )}
            </div>
          );
        })}
        <div class="actions">
          <button type="submit">Dry run</button>
          <button type="button" disabled={verdict === undefined} onClick={() => void start()} title={verdict === undefined ? 'Dry-run these values first' : undefined}>
            Start run
          </button>
        </div>
      </form>
      <Problem message={problem?.message} />
      {verdict === undefined ? null : <Verdict pipeline={pipeline} shape={shape} verdict={verdict} />}
    </section>
  );
}
