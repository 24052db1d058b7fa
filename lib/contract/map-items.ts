/**
 * Lists a `forEach` step runs over, and where a Distributed Map puts its results. A list too big for
 * the run state is a JSON array in S3, named by `{"bucket", "key"}` in the producing step's result
 * (functions/commons/item-lists.ts writes one); Step Functions reads it with an ItemReader and writes
 * the results with a ResultWriter under the step's output prefix.
 */
import { outputPrefixFor } from './step-event';

export const S3_GET_OBJECT = 'arn:aws:states:::s3:getObject';
export const S3_PUT_OBJECT = 'arn:aws:states:::s3:putObject';

/** Where a list of items is stored: the value of a `forEach.manifest` field. */
export interface ItemList {
  readonly bucket: string;
  readonly key: string;
  readonly count: number;
}

/** The ResultWriter prefix of a step: Step Functions adds `<map run id>/manifest.json` and `SUCCEEDED_0.json`… below it. */
export const mapResultsPrefixFor = (pipeline: string, runId: string, stepId: string): string => `${outputPrefixFor(pipeline, runId, stepId)}results`;
export const mapResultsPrefixExpression = (pipeline: string, stepId: string): string => `States.Format('${mapResultsPrefixFor(pipeline, '{}', stepId)}',$$.Execution.Name)`;
