export * from '../contract/issues';
export { type ParsedDocument, parseGraphText } from './parse';
export * from './schema';
export * from './topology';
export { loadGraphFile, projectRootOf, type ValidationOptions, type ValidationResult, validateDocument, validateGraphFile, validateGraphText } from './validate';
