/**
 * The Amazon States Language (JSONPath flavour) the compiler emits, as a discriminated union on
 * `Type`. Declared as type aliases, not interfaces, so every state is also an `AnyState` (the loose
 * shape the walker and the local engine's guards read any definition through).
 */
import type { Json } from '../../shared/json';

export type { Json };
export type JsonObject = { [key: string]: Json };

/** Where a state goes next: another state, or the end of its (sub-)machine. */
export type Transition = { readonly Next: string; readonly End?: never } | { readonly End: true; readonly Next?: never };

export type Retrier = {
  readonly ErrorEquals: readonly string[];
  readonly MaxAttempts: number;
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
};

export type Catcher = { readonly ErrorEquals: readonly string[]; readonly ResultPath: string; readonly Next: string };

/** A Choice rule: `IsPresent` and `BooleanEquals` tests, possibly under `Or`. */
export type ChoiceCondition =
  | { readonly Variable: string; readonly IsPresent: boolean }
  | { readonly Variable: string; readonly BooleanEquals: boolean }
  | { readonly Or: readonly ChoiceCondition[] };
export type ChoiceRule = ChoiceCondition & { readonly Next: string };

export type TaskState = {
  readonly Type: 'Task';
  readonly Comment?: string;
  readonly Resource: string;
  readonly Parameters: JsonObject;
  readonly ResultSelector?: JsonObject;
  /** null: the result is discarded and the state's input passes on (the save after a reused step). */
  readonly ResultPath: string | null;
  readonly TimeoutSeconds: number;
  readonly HeartbeatSeconds?: number;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
} & Transition;

export type PassState = {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly InputPath?: string;
  readonly Parameters?: JsonObject;
  readonly Result?: JsonObject;
  readonly ResultPath?: string;
} & Transition;

export type ChoiceState = { readonly Type: 'Choice'; readonly Comment?: string; readonly Choices: readonly ChoiceRule[]; readonly Default: string };

export type ParallelState = {
  readonly Type: 'Parallel';
  readonly Comment?: string;
  readonly Branches: readonly Branch[];
  readonly ResultSelector: JsonObject;
} & Transition;

/** How a Map runs its items: in the execution (INLINE), or as child executions (DISTRIBUTED). */
export type ProcessorConfig = { readonly Mode: 'INLINE' } | { readonly Mode: 'DISTRIBUTED'; readonly ExecutionType: 'STANDARD' };

export type MapState = {
  readonly Type: 'Map';
  readonly Comment?: string;
  readonly ItemsPath?: string;
  /** Distributed only: where the items are read from (a JSON array in S3). */
  readonly ItemReader?: JsonObject;
  readonly ItemSelector: JsonObject;
  readonly ItemProcessor: Branch & { readonly ProcessorConfig: ProcessorConfig };
  readonly MaxConcurrency?: number;
  readonly ToleratedFailurePercentage?: number;
  /** Distributed only: where the results are written (S3), instead of into the state. */
  readonly ResultWriter?: JsonObject;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath: string;
  readonly Catch?: readonly Catcher[];
} & Transition;

export type SucceedState = { readonly Type: 'Succeed'; readonly Comment?: string };
export type FailState = { readonly Type: 'Fail'; readonly Comment?: string; readonly Error: string; readonly CausePath: string };

export type State = TaskState | PassState | ChoiceState | ParallelState | MapState | SucceedState | FailState;
export type StateType = State['Type'];

export type Branch = { readonly StartAt: string; readonly States: Readonly<Record<string, State>> };

export type StateMachineDefinition = Branch & { readonly Comment?: string; readonly TimeoutSeconds?: number };

/**
 * Any ASL state, including those Orchestra does not emit (Map, Wait, …): what the walker and the
 * local engine accept, since the engine also runs hand-written and conformance definitions.
 */
export type AnyState = {
  readonly Type: string;
  readonly Branches?: readonly AnyBranch[] | undefined;
  readonly ItemProcessor?: AnyBranch | undefined;
  readonly Iterator?: AnyBranch | undefined;
  readonly [field: string]: unknown;
};
export type AnyBranch = { readonly StartAt: string; readonly States: Readonly<Record<string, AnyState>> };
export type AnyDefinition = AnyBranch & { readonly QueryLanguage?: unknown; readonly [field: string]: unknown };
