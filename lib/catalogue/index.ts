export { ChildPipelineError, checkChildPipelines, withChildren } from './children';
export { describePipeline } from './describe';
export * from './files';
export { loadCatalogue, loadPipeline, loadPipelinesIn, type PipelineSource, pipelineFromGraph, StaleDefinitionError } from './pipeline';
