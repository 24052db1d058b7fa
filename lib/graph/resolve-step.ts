/**
 * A step's effective settings, in one place: its own, else the graph's `defaults`, else its kind's
 * (lib/kinds/<kind>/spec.ts). The compiler (Task TimeoutSeconds and Retry), the stack (a Lambda's own
 * timeout and memory, a task's memory), the local runtime and the exporters all read them here, so
 * they cannot disagree (a Lambda's 300 s beside its Task's 120 s did: issue 30).
 */
import type { StepPricing } from '../contract/prices';
import type { KindDefaults } from '../kinds/spec';
import { STEP_KIND_SPECS } from '../kinds/specs';
import type { OnFailure, PipelineGraph, RetryPolicy, Step, StepKind, StepsByKind } from './schema';

export const DEFAULT_RETRY = { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2 } as const;

export interface ResolvedStep {
  /** Per attempt. */
  readonly timeoutSeconds: number;
  readonly retry: RetryPolicy & { readonly maxAttempts: number; readonly intervalSeconds: number; readonly backoffRate: number };
  readonly onFailure: OnFailure;
  /** Expected seconds, for planning only. */
  readonly estimatedSeconds: number;
  /** Of the function or task that runs it; undefined for a pipeline step, which runs none. */
  readonly memoryMiB: number | undefined;
  /** What runs it, for its cost (lib/contract/prices.ts): a Lambda function, a Fargate task (with its CPU), or nothing of its own. */
  readonly pricing: StepPricing & { readonly billedSecondsPerRun?: number };
}

type KindDefaultsRegistry = { readonly [K in StepKind]: KindDefaults<StepsByKind[K]> };
let registry: KindDefaultsRegistry | undefined;

/**
 * Each kind's defaults, typed per kind (a mapped type: a kind left out is a type error). Built on first
 * use: a kind's own checks resolve steps too, and its module is still loading when this one is.
 */
const kindDefaults = (): KindDefaultsRegistry =>
  (registry ??= {
    lambda: STEP_KIND_SPECS.lambda.defaults,
    container: STEP_KIND_SPECS.container.defaults,
    simulate: STEP_KIND_SPECS.simulate.defaults,
    service: STEP_KIND_SPECS.service.defaults,
    pipeline: STEP_KIND_SPECS.pipeline.defaults,
  });

/** The kind is passed beside the step so TypeScript can correlate the registry entry with the step type. */
const cpuFor = <K extends StepKind>(kind: K, step: StepsByKind[K]): number | undefined => kindDefaults()[kind].cpu?.(step);

function pricingOf(step: Step): ResolvedStep['pricing'] {
  const kind = kindDefaults()[step.kind];
  const memoryMiB = ('memoryMiB' in step ? step.memoryMiB : undefined) ?? kind.memoryMiB;
  const cpu = cpuFor(step.kind, step);
  return {
    runsOn: kind.runsOn,
    ...(memoryMiB === undefined ? {} : { memoryMiB }),
    ...(cpu === undefined ? {} : { cpu }),
    ...(kind.billedSecondsPerRun === undefined ? {} : { billedSecondsPerRun: kind.billedSecondsPerRun }),
  };
}

// The kind is passed beside the step so TypeScript can correlate the registry entry with the step type.
const estimateFor = <K extends StepKind>(kind: K, step: StepsByKind[K]): number => kindDefaults()[kind].estimatedSeconds(step);

/** The one rule for every setting: the step's own, else the graph's default, else the kind's. */
const firstSet = <T>(own: T | undefined, inherited: T | undefined, fallback: T): T => own ?? inherited ?? fallback;

export function resolveStep(graph: Pick<PipelineGraph, 'defaults'>, step: Step): ResolvedStep {
  const kind = kindDefaults()[step.kind];
  const defaults = graph.defaults;
  const retry = { ...defaults?.retry, ...step.retry };
  return {
    timeoutSeconds: firstSet(step.timeoutSeconds, defaults?.timeoutSeconds, kind.timeoutSeconds),
    retry: {
      ...retry,
      maxAttempts: step.retry?.maxAttempts ?? defaults?.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
      intervalSeconds: step.retry?.intervalSeconds ?? defaults?.retry?.intervalSeconds ?? DEFAULT_RETRY.intervalSeconds,
      backoffRate: step.retry?.backoffRate ?? defaults?.retry?.backoffRate ?? DEFAULT_RETRY.backoffRate,
    },
    onFailure: step.onFailure ?? defaults?.onFailure ?? 'fail',
    estimatedSeconds: step.estimatedDurationSeconds ?? estimateFor(step.kind, step),
    memoryMiB: ('memoryMiB' in step ? step.memoryMiB : undefined) ?? kind.memoryMiB,
    pricing: pricingOf(step),
  };
}

/**
 * The timeout a step read loosely (its graph may be invalid elsewhere) resolves to, by the rule of
 * resolveStep: its own, else the graph's default, else its kind's. For the kinds' checks.
 */
export function looseTimeoutSeconds(kind: StepKind, raw: Readonly<Record<string, unknown>>, graph: Readonly<Record<string, unknown>>): number {
  const defaults = graph['defaults'];
  const inherited = typeof defaults === 'object' && defaults !== null && 'timeoutSeconds' in defaults ? defaults.timeoutSeconds : undefined;
  const own = raw['timeoutSeconds'];
  return firstSet(typeof own === 'number' ? own : undefined, typeof inherited === 'number' ? inherited : undefined, kindDefaults()[kind].timeoutSeconds);
}
