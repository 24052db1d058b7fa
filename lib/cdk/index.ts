export { OrchestraStack, type OrchestraStackProps } from './orchestra-stack';
export { Pipeline, type PipelineProps, type PipelineSource } from './pipeline';
export { StepFunction, type StepFunctionProps } from './step-function';
export { PipelinesDashboard, type PipelinesDashboardProps } from './pipelines-dashboard';
export { grantDataAccess, type DataAccess } from './data-access';
export { functionEntriesOf, type FunctionEntry } from './function-entries';
export { pipelineConstructId, STACK_OUTPUTS, parseStepLogGroups } from './stack-outputs';
export { RunsApi, type RunsApiProps } from './runs-api';
