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
