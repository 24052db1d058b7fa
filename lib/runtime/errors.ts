/**
 * Errors a step raises on purpose. The `name` is the ASL error name Retry and Catch match on, in
 * AWS (Lambda's errorType) and locally alike.
 */

/** Bad input or another failure that a retry cannot fix: never retried (see PERMANENT_ERROR). */
export class PermanentStepError extends Error {
  override readonly name = 'Orchestra.Permanent';
}

/** A failure worth retrying (a flaky service, a simulated fault). */
export class TransientStepError extends Error {
  override readonly name = 'Orchestra.Transient';
}
