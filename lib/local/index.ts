export { LocalRuntime, UnknownPipelineError, type LocalRuntimeOptions, type RuntimeEvent, type StartRunOptions } from './runtime';
export { loadPipeline, pipelineFromGraph, StaleDefinitionError, type LocalPipeline } from './pipeline';
export { LOCAL_BUCKET, LOCAL_CREDENTIALS, type EmbeddedS3 } from './embedded-s3';
export { RunAlreadyExistsError, RunNotFoundError, RunStore, type LogEntry } from './run-store';
export { summarise, TERMINAL_RUN_STATUSES, type RunRecord, type RunStatus, type RunSummary, type StepRecord, type StepStatus } from './run-record';
export { startExecution, localCompatibilityProblems, UnsupportedDefinitionError, type ExecutionOutcome, type TaskHandler } from './engine';
