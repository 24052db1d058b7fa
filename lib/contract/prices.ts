/**
 * What AWS charges for what a run uses, in one table with its date and region (us-east-1, list
 * prices as of the date below; other regions differ by a few percent). Every estimate and every
 * recorded cost reads these figures, and says which table it used.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2026-12-01',
  currency: 'USD',
  /** Step Functions Standard: per state transition (retries are transitions too). */
  stepFunctionsPerTransition: 0.025 / 1000,
  /** Lambda: per request, and per GB-second by architecture (INIT duration billed since 2025-08-01). */
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecond: { arm64: 0.000_013_333_4, x86_64: 0.000_016_666_7 },
  /** Fargate (Linux, x86): per vCPU-hour and per GB-hour, billed per second with a one-minute minimum. */
  fargatePerVcpuHour: 0.040_48,
  fargatePerGbHour: 0.004_445,
  fargateMinimumSeconds: 60,
} as const;

export type PriceTable = typeof PRICES;

/** Orchestra deploys every Lambda on arm64 (lib/cdk/step-function.ts) and every Fargate task on x86_64 (lib/cdk/kinds/container.ts). */
export const LAMBDA_ARCHITECTURE = 'arm64' as const;

/** What a step runs on, for pricing: a Lambda function (its memory), a Fargate task (its vCPU and memory), or nothing of its own (a child pipeline). */
export interface StepPricing {
  readonly runsOn: 'lambda' | 'fargate' | 'nothing';
  readonly memoryMiB?: number | undefined;
  /** Fargate CPU units (1024 = 1 vCPU). */
  readonly cpu?: number | undefined;
}

/** What a step used: transitions, and per run (attempt × item) its seconds. */
export interface StepUsage {
  readonly transitions: number;
  readonly runs: number;
  /** The sum of its runs' seconds (Fargate: each at least the minimum, see fargateBilledSeconds). */
  readonly seconds: number;
}

export interface StepCostFigures {
  readonly transitions: number;
  readonly runs: number;
  readonly lambda?: { readonly requests: number; readonly gbSeconds: number; readonly architecture: typeof LAMBDA_ARCHITECTURE };
  readonly fargate?: { readonly vcpuHours: number; readonly gbHours: number };
  /** The step-reuse function's calls around a reused step (its check and save), included in `usd`. */
  readonly reuse?: ReuseCallFigures;
  readonly usd: number;
}

export interface ReuseCallFigures {
  readonly requests: number;
  readonly gbSeconds: number;
  readonly usd: number;
}

/** The step-reuse function's calls (an arm64 Lambda of `memoryMiB`), priced as any Lambda. */
export function priceReuseCalls(requests: number, seconds: number, memoryMiB: number, prices: PriceTable = PRICES): ReuseCallFigures {
  const gbSeconds = (memoryMiB / 1024) * seconds;
  return { requests, gbSeconds, usd: requests * prices.lambdaPerRequest + gbSeconds * prices.lambdaPerGbSecond[LAMBDA_ARCHITECTURE] };
}

/** A step's figures with its reuse calls added. */
export const withReuseCalls = (figures: StepCostFigures, reuse: ReuseCallFigures | undefined): StepCostFigures =>
  reuse === undefined || reuse.requests === 0 ? figures : { ...figures, reuse, usd: figures.usd + reuse.usd };

/** Fargate bills per second with a one-minute minimum per task. */
export const fargateBilledSeconds = (seconds: number, prices: PriceTable = PRICES): number => Math.max(prices.fargateMinimumSeconds, Math.ceil(seconds));

/** The one formula every estimate and every recorded cost applies to a step's usage. */
export function priceStep(pricing: StepPricing, usage: StepUsage, prices: PriceTable = PRICES): StepCostFigures {
  const transitionsUsd = usage.transitions * prices.stepFunctionsPerTransition;
  const gb = (pricing.memoryMiB ?? 0) / 1024;
  if (pricing.runsOn === 'lambda') {
    const gbSeconds = gb * usage.seconds;
    return {
      transitions: usage.transitions,
      runs: usage.runs,
      lambda: { requests: usage.runs, gbSeconds, architecture: LAMBDA_ARCHITECTURE },
      usd: transitionsUsd + usage.runs * prices.lambdaPerRequest + gbSeconds * prices.lambdaPerGbSecond[LAMBDA_ARCHITECTURE],
    };
  }
  if (pricing.runsOn === 'fargate') {
    const vcpuHours = (((pricing.cpu ?? 1024) / 1024) * usage.seconds) / 3600;
    const gbHours = (gb * usage.seconds) / 3600;
    return {
      transitions: usage.transitions,
      runs: usage.runs,
      fargate: { vcpuHours, gbHours },
      usd: transitionsUsd + vcpuHours * prices.fargatePerVcpuHour + gbHours * prices.fargatePerGbHour,
    };
  }
  return { transitions: usage.transitions, runs: usage.runs, usd: transitionsUsd };
}

/** Dollars as a run's cost is read: three significant figures below a dollar (runs often cost a fraction of a cent), cents above. */
export const formatUsd = (usd: number): string => (usd === 0 ? '$0' : usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(3)}`);
