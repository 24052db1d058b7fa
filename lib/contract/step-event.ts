/**
 * What a step receives and where it writes: the compiled Task Parameters produce this event
 * (lib/kinds/task.ts), Lambda handlers and the local runtime read it, CDK scopes IAM to the prefixes.
 */
/* Plain types, no zod: every Lambda bundle imports this module, and zod would add ~450 KB to each. */

/** What can start a run: an upload, the API, a schedule, the CLI, a keyed trigger's conductor. */
export const RUN_SOURCES = ['upload', 'api', 'schedule', 'cli', 'keyed', 'pipeline'] as const;
/** The source of a run another pipeline's `pipeline` step started; its input also names the `parent` run. */
export const PIPELINE_RUN_SOURCE = 'pipeline' satisfies (typeof RUN_SOURCES)[number];

/** Whether `value` names a source of runs (for input read from outside, such as a container's environment). */
export const isRunSource = (value: unknown): value is (typeof RUN_SOURCES)[number] => RUN_SOURCES.some((source) => source === value);

/** The run input: what started the run. Uploads, the API, schedules and the CLI all use this shape. */
export interface RunInput {
  readonly source: (typeof RUN_SOURCES)[number];
  /** Data bucket holding the inputs. */
  readonly bucket?: string | undefined;
  /** Ingest folder of the dataset (dataset mode) or of the object (per-object mode), ending in "/". */
  readonly prefix?: string | undefined;
  /** The objects that started the run. */
  readonly keys?: readonly string[] | undefined;
  readonly [extra: string]: unknown;
}

/** The event every Lambda-backed step gets. */
export interface StepEvent {
  readonly pipeline: string;
  readonly step: string;
  readonly runId: string;
  readonly input: RunInput;
  /** Results of the steps this one depends on, by step id, in `dependsOn` order. */
  readonly dependencies: Readonly<Record<string, unknown>>;
  /** The step's `parameters` from the graph, when it has any. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** For a step with `forEach`: the item this invocation runs for, and its position in the list (from 0). */
  readonly item?: unknown;
  readonly itemIndex?: number;
  readonly [extra: string]: unknown;
}

/** The names of the step event's fields, as the compiler writes them into every Task. */
export const STEP_EVENT_FIELDS = {
  pipeline: 'pipeline',
  step: 'step',
  runId: 'runId',
  input: 'input',
  dependencies: 'dependencies',
  parameters: 'parameters',
  item: 'item',
  itemIndex: 'itemIndex',
} as const;

/** Every object a run wrote sits under this prefix; run names are unique per pipeline only. */
export const runPrefixFor = (pipeline: string, runId: string): string => `${pipelineRunsPrefixFor(pipeline)}${runId}/`;

/** Where a step writes its outputs in the data bucket. */
export const outputPrefixFor = (pipeline: string, runId: string, stepId: string): string => `${runPrefixFor(pipeline, runId)}${stepId}/`;

/** Where one item of a `forEach` step writes: its own folder under the step's, by position in the list. */
export const itemOutputPrefixFor = (pipeline: string, runId: string, stepId: string, itemIndex: number): string => `${outputPrefixFor(pipeline, runId, stepId)}items/${itemIndex}/`;

/** Where this invocation of a step writes: the step's folder, or its item's for a `forEach` step. */
export const outputPrefixOf = (event: Pick<StepEvent, 'pipeline' | 'runId' | 'step' | 'itemIndex'>): string =>
  event.itemIndex === undefined ? outputPrefixFor(event.pipeline, event.runId, event.step) : itemOutputPrefixFor(event.pipeline, event.runId, event.step, event.itemIndex);

/** The item's prefix as a States.Format expression, over the execution name and the Map iteration's index. */
export const itemOutputPrefixExpression = (pipeline: string, stepId: string): string =>
  `States.Format('${itemOutputPrefixFor(pipeline, '{}', stepId, 0).replace(/0\/$/, '{}/')}',${ITEM_RUN_ID_PATH},$.itemIndex)`;

/**
 * Where a `forEach` item finds its run's id: its Map's ItemSelector copies the parent's
 * `$$.Execution.Name` there. Inside a Distributed Map, `$$.Execution.Name` is the item's own child
 * execution, whose name is no run id (items wrote outside their run's folder).
 */
export const ITEM_RUN_ID_PATH = '$.runId';

/**
 * The same prefix as a States.Format expression over the execution name, for the compiled ASL.
 * Pipeline names and step ids are identifiers (no quotes or braces), so they are safe inside it.
 */
export const outputPrefixExpression = (pipeline: string, stepId: string): string => `States.Format('${outputPrefixFor(pipeline, '{}', stepId)}',$$.Execution.Name)`;

/** Everything any run of a pipeline writes: what its IAM grants and lifecycle rules scope to. */
export const pipelineRunsPrefixFor = (pipeline: string): string => `${RUNS_PREFIX}${pipeline}/`;

/**
 * Where Orchestra itself writes: run outputs, and the CLI's uploads for pipelines without an ingest
 * trigger. An upload trigger on these would start runs from runs' own outputs, without end.
 */
export const RUNS_PREFIX = 'runs/';
/** Where keyed triggers find data items by default: `data/<type>/<key>/…`. */
export const DEFAULT_DATA_PREFIX = 'data/';
export const CLI_INPUTS_PREFIX = 'inputs/';
/** Where `service` steps record the task tokens they wait on (lib/contract/service-call.ts). */
export const WAITS_PREFIX = 'waits/';
/** Where backfills record their plan and progress (lib/runtime/keyed/backfill.ts). */
export const BACKFILLS_PREFIX = 'backfills/';
/** The step-reuse function's records (lib/contract/step-reuse.ts). */
export const REUSE_PREFIX = 'reuse/';
/** Each finished run's cost, recorded by the runs API the first time it lists the run: `costs/<pipeline>/<run id>.json`. */
export const COSTS_PREFIX = 'costs/';
export const runCostKey = (pipeline: string, runId: string): string => `${COSTS_PREFIX}${pipeline}/${runId}.json`;
export const RESERVED_PREFIXES: readonly string[] = [RUNS_PREFIX, CLI_INPUTS_PREFIX, WAITS_PREFIX, BACKFILLS_PREFIX, REUSE_PREFIX, COSTS_PREFIX];

/** The reserved prefix `prefix` overlaps (one contains the other), if any. */
export const reservedPrefixOverlapping = (prefix: string): string | undefined => RESERVED_PREFIXES.find((reserved) => prefix.startsWith(reserved) || reserved.startsWith(prefix));

/** A container step records its result here, since a Fargate task returns no value to the state machine. */
export const RESULT_FILE = 'result.json';
