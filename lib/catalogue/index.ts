export { describePipeline } from './describe';
export * from './files';
export { loadCatalogue, loadPipeline, type PipelineSource, pipelineFromGraph, StaleDefinitionError } from './pipeline';
