/** What `GET /pipelines/{pipeline}/runs/{runId}/outputs` answers (functions/runs-api/outputs.ts), and its bounds. */

/** The most objects one answer lists (a Distributed Map can write one folder per item). */
export const MAX_OUTPUTS_LISTED = 1000;
/** Text files up to this size come with their text. */
export const PREVIEW_MAX_BYTES = 64 * 1024;
/** At most this many previews per answer, so a run of many small files answers within API Gateway's 29 s. */
export const MAX_PREVIEWS = 20;
/** How long a presigned URL works: the console lists the outputs again long before. */
export const OUTPUT_URL_SECONDS = 900;

export interface RunOutput {
  /** The object's key in the data bucket. */
  readonly key: string;
  /** The step that wrote it (the first folder under the run's prefix). */
  readonly step: string;
  /** Its path under the step's folder. */
  readonly path: string;
  readonly size: number;
  readonly contentType: string;
  /** Presigned GET, shown inline by a browser. */
  readonly url: string;
  /** Presigned GET that a browser saves as a file. */
  readonly downloadUrl: string;
  /** The text, for a text file of at most PREVIEW_MAX_BYTES (the first MAX_PREVIEWS of them). */
  readonly preview?: string;
}

export interface RunOutputs {
  readonly prefix: string;
  readonly outputs: readonly RunOutput[];
  /** More objects than MAX_OUTPUTS_LISTED: the first ones are listed. */
  readonly truncated: boolean;
}
