export { type ExecutionOutcome, localCompatibilityProblems, startExecution, type TaskHandler, UnsupportedDefinitionError } from './engine/engine';
export { type RunRecord, type RunStatus, type RunSummary, type StepRecord, type StepStatus, summarise, TERMINAL_RUN_STATUSES } from './runs/run-record';
export { type LogEntry, RunAlreadyExistsError, RunNotFoundError, RunStore } from './runs/run-store';
export { IAM_OFF_WARNING, LocalRuntime, type LocalRuntimeOptions, type RuntimeEvent, type StartRunOptions, UnknownPipelineError } from './runtime';
export { type EmbeddedS3, LOCAL_BUCKET } from './storage/embedded-s3';
