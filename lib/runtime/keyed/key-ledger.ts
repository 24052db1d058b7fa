/**
 * What the conductor records per (pipeline, key), with the conditional writes exactly-once rests on.
 * DynamoDB in AWS, the run database locally; both give the first writer the win.
 */
export interface Arrival {
  readonly pipeline: string;
  readonly key: string;
  readonly type: string;
  readonly objectKey: string;
  readonly etag: string;
  /** ISO 8601 */
  readonly at: string;
}

/** The run a (pipeline, key, input-set version) gets: fixed by the first claim, so every later delivery starts the same execution. */
export interface RunClaim {
  readonly pipeline: string;
  readonly key: string;
  readonly version: string;
  readonly runName: string;
  /** The run input's JSON text, as StartExecution takes it: the same text every time, so Step Functions sees one execution. */
  readonly input: string;
  readonly claimedAt: string;
}

export interface KeyRecord {
  readonly pipeline: string;
  readonly key: string;
  readonly firstSeen: string;
  readonly readyAt?: string | undefined;
  readonly expiredAt?: string | undefined;
  readonly arrivals: readonly Arrival[];
  readonly claims: readonly RunClaim[];
}

export interface KeyLedger {
  /** Records an arrival (idempotent per object version); returns when the key was first seen. */
  recordArrival(arrival: Arrival): Promise<string>;
  /** When the key's required types were first all present: the first writer's time wins and is returned. */
  markReady(pipeline: string, key: string, at: string): Promise<string>;
  /** The first claim for (pipeline, key, version) wins; every caller gets the winning claim back. */
  claimRun(claim: RunClaim): Promise<{ readonly claim: RunClaim; readonly won: boolean }>;
  /** Marks the key EXPIRED unless it became ready; returns whether it did. */
  expire(pipeline: string, key: string, at: string): Promise<boolean>;
  get(pipeline: string, key: string): Promise<KeyRecord | undefined>;
}
