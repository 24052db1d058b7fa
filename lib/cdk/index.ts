export { parseStepLogGroups, pipelineConstructId, STACK_OUTPUTS } from '../contract/stack-outputs';
export { type DataAccess, grantDataAccess } from './data-access';
export { type FunctionEntry, functionEntriesOf } from './function-entries';
export { OrchestraStack, type OrchestraStackProps } from './orchestra-stack';
export { Pipeline, type PipelineProps } from './pipeline';
export { PipelinesDashboard, type PipelinesDashboardProps } from './pipelines-dashboard';
export { RunsApi, type RunsApiProps } from './runs-api';
export { BuiltinFunction, type BuiltinFunctionProps, type OrchestraFunction, StepFunction, type StepFunctionProps } from './step-function';
