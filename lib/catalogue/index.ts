export * from './files';
export { loadCatalogue, loadPipeline, type PipelineSource, pipelineFromGraph, StaleDefinitionError } from './pipeline';
