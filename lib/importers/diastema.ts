/**
 * A DIASTEMA analysis graph → one Orchestra pipeline. The seed orchestrator received jobs linked
 * twice (`next` of the parent, `from` of the child) and ran them one by one; here each job becomes a
 * step `<kind>-<step>` whose `dependsOn` keeps the `from` order (a join's first input stays first),
 * so independent branches run in parallel and a fan-in runs once after all its parents. Every
 * problem is reported at once, with its JSON path and the fix, as `validate` does.
 *
 *   {"analysis-id": "a1", "database-id": "db1", "metadata": {…},
 *    "jobs": [{"step": 1, "id": 17, "title": "dataset", "from": 0, "next": [2]}, {"step": 2, …, "from": 1, "next": [0]}]}
 */
import { z } from 'zod';
import { type Issue, issue, type PathSegment } from '../contract/issues';
import type { PipelineGraph, Step } from '../graph/schema';
import { fixForUnknownName } from '../graph/suggest';
import { PIPELINE_NAME_MAX_LENGTH } from '../kinds/step-fields';
import { isJsonRecord } from '../shared/json';

export const DIASTEMA_KINDS = ['dataset', 'cleaning', 'data-join', 'function', 'classification', 'regression', 'clustering', 'visualization', 'data-sink'] as const;
export type DiastemaKind = (typeof DIASTEMA_KINDS)[number];
const isKind = (title: string): title is DiastemaKind => DIASTEMA_KINDS.some((kind) => kind === title);

/** `0` means "none": a root's `from`, a leaf's `next`. */
const stepList = z.union([z.int().min(0), z.array(z.int().min(0))]);

const jobSchema = z.looseObject({
  step: z.int().min(1).describe('the node key: unique, not necessarily contiguous'),
  id: z.number().optional().describe('a job id: not unique, never used as a key'),
  title: z.string().min(1).describe('the kind of job'),
  from: stepList.describe('0 (a root), one step, or steps in input order'),
  next: stepList.describe('child steps, or [0] for a leaf'),
});

const documentSchema = z.looseObject({
  'analysis-id': z.union([z.string().min(1), z.number()]),
  'database-id': z.union([z.string().min(1), z.number()]),
  jobs: z.array(z.unknown()).min(1),
  metadata: z.record(z.string(), z.json()),
});

/** Fields of a job that are its links, not its parameters. */
const LINK_FIELDS = new Set(['step', 'id', 'title', 'from', 'next']);
const KNOWN_TOP_LEVEL = new Set(['analysis-id', 'database-id', 'jobs', 'metadata']);
const IGNORED_WHY: Readonly<Record<string, string>> = {
  'diastema-token': 'credentials are never carried into a pipeline graph; give the steps their own access',
  automodel: 'Orchestra runs the jobs as listed; automatic model choice is a job parameter if your handler needs it',
};

export interface ImportDiastemaOptions {
  /** A Lambda handler per kind (a `.ts` file exporting `handler`); kinds without one run as `simulate`. */
  readonly handlers?: Readonly<Partial<Record<DiastemaKind, string>>>;
  /** @default `analysis-<analysis-id>` */
  readonly name?: string;
}

export interface ImportedAnalysis {
  readonly graph?: PipelineGraph;
  /** Errors (then no graph) and warnings (duplicate job ids, ignored fields). */
  readonly issues: readonly Issue[];
}

type Job = z.infer<typeof jobSchema>;
interface IndexedJob {
  readonly job: Job;
  readonly index: number;
  readonly kind: DiastemaKind;
  readonly from: readonly number[];
  readonly next: readonly number[];
}

const none = (list: readonly number[]): boolean => list.length === 0 || (list.length === 1 && list[0] === 0);
const listOf = (value: number | readonly number[]): number[] => (typeof value === 'number' ? [value] : [...value]);

const zodIssues = (error: z.ZodError, prefix: readonly PathSegment[]): Issue[] =>
  error.issues.map((found) =>
    issue(
      'schema',
      [...prefix, ...found.path.filter((p): p is PathSegment => typeof p !== 'symbol')],
      found.message,
      found.path.length === 1 && found.path[0] === 'from' ? 'write 0 for a root, a step number, or a list of step numbers' : undefined,
    ),
  );

/** The pipeline name: `analysis-<id>` with anything but letters, digits, "-" and "_" replaced. */
export const analysisPipelineName = (analysisId: string | number): string => `analysis-${String(analysisId)}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, PIPELINE_NAME_MAX_LENGTH);

export const stepIdOf = (kind: string, step: number): string => `${kind}-${step}`;

export function importDiastema(document: unknown, options: ImportDiastemaOptions = {}): ImportedAnalysis {
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) return { issues: zodIssues(parsed.error, []) };
  const analysis = parsed.data;
  const found: Issue[] = [];
  for (const field of Object.keys(analysis).filter((key) => !KNOWN_TOP_LEVEL.has(key)))
    found.push(issue('unknown-property', [field], `ignored: ${IGNORED_WHY[field] ?? 'not part of an analysis graph Orchestra reads'}`, undefined, 'warning'));

  const jobs: IndexedJob[] = [];
  analysis.jobs.forEach((raw, index) => {
    // A field named "__proto__" would be lost to an object's prototype on the way: refuse it, as the JSON reader does.
    if (isJsonRecord(raw) && Object.hasOwn(raw, '__proto__')) {
      found.push(issue('reserved-key', ['jobs', index, '__proto__'], '"__proto__" cannot be a field name: JavaScript reads it as the prototype and drops it', 'rename the field'));
      return;
    }
    const job = jobSchema.safeParse(raw);
    if (!job.success) {
      found.push(...zodIssues(job.error, ['jobs', index]));
      return;
    }
    const { title } = job.data;
    if (!isKind(title)) {
      found.push(issue('unknown-kind', ['jobs', index, 'title'], `unknown kind "${title}"`, fixForUnknownName(title, DIASTEMA_KINDS)));
      return;
    }
    jobs.push({ job: job.data, index, kind: title, from: listOf(job.data.from), next: listOf(job.data.next) });
  });

  const byStep = new Map<number, IndexedJob>();
  for (const entry of jobs) {
    const earlier = byStep.get(entry.job.step);
    if (earlier === undefined) byStep.set(entry.job.step, entry);
    else
      found.push(
        issue('schema', ['jobs', entry.index, 'step'], `step ${entry.job.step} is also jobs[${earlier.index}]'s`, 'give each job its own step number: steps are the node keys'),
      );
  }
  const byId = new Map<number, number>();
  for (const { job, index } of jobs) {
    if (job.id === undefined) continue;
    const earlier = byId.get(job.id);
    if (earlier === undefined) byId.set(job.id, index);
    else
      found.push(
        issue(
          'schema',
          ['jobs', index, 'id'],
          `id ${job.id} is also jobs[${earlier}]'s`,
          'ids are kept as the "jobId" parameter only; steps are the keys, so this imports as is',
          'warning',
        ),
      );
  }

  for (const entry of jobs) checkLinks(entry, byStep, found);
  if (!found.some((f) => f.severity === 'error')) found.push(...cyclesIn(jobs, byStep));
  if (found.some((f) => f.severity === 'error')) return { issues: found };

  const name = options.name ?? analysisPipelineName(analysis['analysis-id']);
  const steps: Record<string, Step> = {};
  for (const { job, kind, from } of [...jobs].sort((a, b) => a.job.step - b.job.step)) {
    // fromEntries defines own properties, so a field name can never reach a prototype.
    const parameters: Record<string, z.core.util.JSONType> = Object.fromEntries([
      ['analysisId', analysis['analysis-id']],
      ['databaseId', analysis['database-id']],
      ...(job.id === undefined ? [] : [['jobId', job.id]]),
      ...Object.entries(job).flatMap(([field, value]) => (LINK_FIELDS.has(field) ? [] : [[field, toJson(value)]])),
    ]);
    const dependsOn = none(from) ? undefined : from.map((step) => stepIdOf(byStep.get(step)?.kind ?? '', step));
    const handler = options.handlers?.[kind];
    const common = { description: `${kind} (job step ${job.step})`, ...(dependsOn === undefined ? {} : { dependsOn }), parameters };
    steps[stepIdOf(kind, job.step)] =
      handler === undefined ? { kind: 'simulate', ...common, durationMs: [100, 300], output: { kind, step: job.step } } : { kind: 'lambda', ...common, handler };
  }
  const graph: PipelineGraph = {
    name,
    description: `DIASTEMA analysis ${analysis['analysis-id']} on database ${analysis['database-id']}: ${jobs.length} jobs, imported`,
    metadata: analysis.metadata,
    steps,
  };
  return { graph, issues: found };
}

/** The job's parameter values are JSON already (they came from JSON); this only narrows the type. */
function toJson(value: unknown): z.core.util.JSONType {
  return JSON.parse(JSON.stringify(value ?? null));
}

/** Both directions of every edge, references to unknown steps, and datasets that are not roots. */
function checkLinks(entry: IndexedJob, byStep: ReadonlyMap<number, IndexedJob>, found: Issue[]): void {
  const { job, index, from, next, kind } = entry;
  const at = (field: 'from' | 'next', position: number): PathSegment[] => (typeof job[field] === 'number' ? ['jobs', index, field] : ['jobs', index, field, position]);
  for (const [field, list] of [
    ['from', from],
    ['next', next],
  ] as const) {
    if (!none(list) && list.includes(0))
      found.push(
        issue('schema', ['jobs', index, field], `0 ("none") mixed with steps in ${field}`, `write 0 alone for ${field === 'from' ? 'a root' : 'a leaf'}, or only step numbers`),
      );
    list.forEach((step, position) => {
      if (step === 0) return;
      if (step === job.step) found.push(issue('self-dependency', at(field, position), `step ${step} links to itself`, 'remove it'));
      else if (!byStep.has(step))
        found.push(issue('unknown-dependency', at(field, position), `no job has step ${step}`, fixForUnknownName(String(step), [...byStep.keys()].map(String))));
    });
  }
  if (kind === 'dataset' && !none(from))
    found.push(issue('schema', ['jobs', index, 'from'], `a dataset is where data enters: step ${job.step} cannot come after ${from.join(', ')}`, 'write "from": 0'));
  from.forEach((parentStep, position) => {
    const parent = byStep.get(parentStep);
    if (parent === undefined || parentStep === job.step || parent.next.includes(job.step)) return;
    found.push(
      issue(
        'unknown-dependency',
        at('from', position),
        `step ${job.step} comes after step ${parentStep} (from), but step ${parentStep}'s next (jobs[${parent.index}].next) does not list ${job.step}`,
        `add ${job.step} to jobs[${parent.index}].next, or remove ${parentStep} from this from`,
      ),
    );
  });
  next.forEach((childStep, position) => {
    const child = byStep.get(childStep);
    if (child === undefined || childStep === job.step || child.from.includes(job.step)) return;
    found.push(
      issue(
        'unknown-dependency',
        at('next', position),
        `step ${job.step} lists step ${childStep} in next, but step ${childStep}'s from (jobs[${child.index}].from) does not list ${job.step}`,
        `add ${job.step} to jobs[${child.index}].from, or remove ${childStep} from this next`,
      ),
    );
  });
}

/** Each cycle once, as steps 2 → 5 → 2, at the job that closes it. */
function cyclesIn(jobs: readonly IndexedJob[], byStep: ReadonlyMap<number, IndexedJob>): Issue[] {
  const state = new Map<number, 'visiting' | 'done'>();
  const found: Issue[] = [];
  const visit = (step: number, path: readonly number[]): void => {
    if (state.get(step) === 'done') return;
    if (state.get(step) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(step)), step];
      found.push(
        issue(
          'dependency-cycle',
          ['jobs', byStep.get(step)?.index ?? 0, 'from'],
          `jobs wait for each other: steps ${cycle.join(' → ')}`,
          'a job cannot come after a job that comes after it',
        ),
      );
      return;
    }
    state.set(step, 'visiting');
    for (const parent of byStep.get(step)?.from ?? []) if (parent !== 0) visit(parent, [...path, step]);
    state.set(step, 'done');
  };
  for (const { job } of jobs) visit(job.step, []);
  return found;
}
