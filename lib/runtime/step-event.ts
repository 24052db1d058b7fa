/**
 * What a step receives and where it writes, shared by the Lambda handlers, the container entry
 * points, the local runtime and the CDK stack. Mirrors `stepEventParameters` in the compiler.
 */

/** The run input: what started the run. Uploads, the API, schedules and the CLI all use this shape. */
export interface RunInput {
  readonly source: 'upload' | 'api' | 'schedule' | 'cli';
  /** Data bucket holding the inputs. */
  readonly bucket?: string;
  /** Ingest folder of the dataset (dataset mode) or of the object (per-object mode), ending in "/". */
  readonly prefix?: string;
  /** The objects that started the run. */
  readonly keys?: readonly string[];
  readonly [extra: string]: unknown;
}

/** The event every Lambda-backed step gets (see lib/compiler/steps/common.ts). */
export interface StepEvent<Input = RunInput> {
  readonly pipeline: string;
  readonly step: string;
  readonly runId: string;
  readonly input: Input;
  /** Results of the steps this one depends on, by step id. */
  readonly dependencies: Readonly<Record<string, unknown>>;
}

/** Every object a run wrote sits under this prefix; run names are unique per pipeline only. */
export const runPrefixFor = (pipeline: string, runId: string): string => `runs/${pipeline}/${runId}/`;

/** Where a step writes its outputs in the data bucket (mirrors outputPrefixExpression in the compiler). */
export const outputPrefixFor = (pipeline: string, runId: string, stepId: string): string => `${runPrefixFor(pipeline, runId)}${stepId}/`;

/** Everything any run of a pipeline writes: what its IAM grants and lifecycle rules scope to. */
export const pipelineRunsPrefixFor = (pipeline: string): string => `runs/${pipeline}/`;

/** A container step records its result here, since a Fargate task returns no value to the state machine. */
export const RESULT_FILE = 'result.json';
