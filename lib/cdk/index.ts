export { OrchestraStack, type OrchestraStackProps } from './orchestra-stack';
export { Pipeline, type PipelineProps, type PipelineSource } from './pipeline';
export { StepFunction, type StepFunctionProps } from './step-function';
