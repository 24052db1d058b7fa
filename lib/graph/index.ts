export * from '../contract/issues';
export * from '../shared/topology';
export { type ParsedDocument, parseGraphText } from './parse';
export * from './schema';
export { loadGraphFile, projectRootOf, type ValidationOptions, type ValidationResult, validateDocument, validateGraphFile, validateGraphText } from './validate';
