/**
 * `orchestra` — what a lab's step code imports: the Lambda handler wrapper and its tools, the errors
 * that decide retries, the step event's types, the container contract for Node container steps, and
 * the S3 and item-list helpers. Everything here runs unchanged on AWS and on the local runtime, and
 * bundles small (no zod, no CDK, no engine).
 *
 * @packageDocumentation
 */

export { bundledFile } from '../../functions/commons/bundled-files';
export { type ContainerStepContext, containerStep, containerStepContext } from '../../functions/commons/container-step';
export { writeItemList } from '../../functions/commons/item-lists';
export { exists, getBytes, getText, putObject } from '../../functions/commons/s3-objects';
export { type StepFunction, type StepTools, stepHandler } from '../../functions/commons/step-handler';
export {
  containerStepFor,
  type PipelineContainerContext,
  type PipelineName,
  type PipelineStepEvent,
  type PipelineSteps,
  type StepName,
  type StepResultOf,
  stepHandlerFor,
} from '../../functions/commons/typed-steps';
export { CONTAINER_ENV, FUNCTION_ENV } from '../contract/environment';
export { ERRORS, PermanentStepError, TransientStepError } from '../contract/errors';
export type { ItemList } from '../contract/map-items';
export { outputPrefixOf, RESULT_FILE, type RunInput, type StepEvent } from '../contract/step-event';
