/**
 * `orchestra/testing` — run a pipeline, or invoke one of its steps, in-process from any test runner,
 * on the embedded runtime with its own S3: the same compiled ASL and the same handler bundles as
 * `orchestra run` and `cdk deploy`.
 *
 * @packageDocumentation
 */
export type { RunSummary } from '../local/runs/run-record';
export type { LogEntry } from '../local/runs/run-store';
export { type InvokeStepOptions, invokeStep, type PipelineRun, type RunPipelineOptions, runPipeline, type StepInvocation, type TestSessionOptions } from '../testing';
